package org.convnetplayground.vectors;

/**
 * Loads a SIMD kernel class only when it can run: the {@code jdk.incubator.vector} module is in the boot layer (the
 * JVM started with {@code --add-modules jdk.incubator.vector}) and the system property {@code cnp.vectors.simd} is not
 * {@code false}. The class is loaded reflectively, so nothing links against the module, and nothing is thrown, when it
 * is absent.
 */
final class SimdClasses {

    private SimdClasses() {
    }

    /** The {@code INSTANCE} of {@code simdClass} (a name in this package) when SIMD can run, else {@code scalar}. */
    static <T> T instanceOr(String simdClass, Class<T> type, T scalar) {
        if ("false".equalsIgnoreCase(System.getProperty("cnp.vectors.simd", "true").trim())) {
            return scalar;
        }
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return scalar;
        }
        try {
            return type.cast(Class.forName(SimdClasses.class.getPackageName() + "." + simdClass)
                    .getDeclaredField("INSTANCE").get(null));
        } catch (ReflectiveOperationException | LinkageError e) {
            // the module is there but unusable (e.g. not readable from this layer): stay correct
            return scalar;
        }
    }
}
