package org.convnetplayground.vectors;

/** SIMD lanes accumulate in float: allow two float roundings per element. */
class SimdKernelsTest extends KernelContractTest {
    @Override
    VectorKernels kernels() {
        return SimdKernels.INSTANCE;
    }

    @Override
    double errorPerElement() {
        return 0x1p-23;
    }

    @Override
    double underflowFloor() {
        return Float.MIN_NORMAL;
    }
}
