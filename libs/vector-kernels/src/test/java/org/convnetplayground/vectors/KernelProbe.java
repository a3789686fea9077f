package org.convnetplayground.vectors;

/** Child-JVM entry point for {@link KernelSelectionTest}: prints the kernels best() picks. */
public final class KernelProbe {
    private KernelProbe() {}

    public static void main(String[] args) {
        System.out.println("picked=" + VectorKernels.best().name());
    }
}
