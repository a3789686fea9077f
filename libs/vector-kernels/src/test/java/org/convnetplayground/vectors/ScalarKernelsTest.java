package org.convnetplayground.vectors;

/** The reference: double accumulation, so only double rounding is allowed. */
class ScalarKernelsTest extends KernelContractTest {
    @Override
    VectorKernels kernels() {
        return VectorKernels.scalar();
    }

    @Override
    double errorPerElement() {
        return 0x1p-52;
    }

    @Override
    double underflowFloor() {
        return Double.MIN_NORMAL;
    }
}
