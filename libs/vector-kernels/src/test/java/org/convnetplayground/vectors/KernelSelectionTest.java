package org.convnetplayground.vectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KernelSelectionTest {
    private static final String PROPERTY = "cnp.vectors.simd";

    @Test
    void picksSimdWhenTheModuleIsPresent() {
        // Surefire starts this JVM with --add-modules jdk.incubator.vector (see the module pom).
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent());
        assertInstanceOf(SimdKernels.class, VectorKernels.best());
        assertTrue(VectorKernels.best().name().startsWith("simd-"));
        assertInstanceOf(SimdKernels.class, new ExactSearch(VectorMatrix.of(new float[2], 2)).kernels());
    }

    @Test
    void propertyFalseForcesScalar() {
        String before = System.getProperty(PROPERTY);
        try {
            System.setProperty(PROPERTY, "false");
            assertEquals(VectorKernels.scalar(), VectorKernels.best());
            System.setProperty(PROPERTY, "FALSE");
            assertEquals("scalar", VectorKernels.best().name());
            System.setProperty(PROPERTY, "true");
            assertInstanceOf(SimdKernels.class, VectorKernels.best());
        } finally {
            if (before == null) {
                System.clearProperty(PROPERTY);
            } else {
                System.setProperty(PROPERTY, before);
            }
        }
    }

    @Test
    void withoutTheModuleFallsBackToScalarWithoutLoadingTheSimdClass() throws Exception {
        String log = runProbe();
        assertTrue(log.contains("picked=scalar"), log);
        // The class-load log works (it names the scalar class) yet never names the SIMD one.
        assertTrue(log.contains("org.convnetplayground.vectors.ScalarKernels"), log);
        assertFalse(log.contains("SimdKernels"), log);
        assertFalse(log.contains("Exception in thread"), log);
    }

    @Test
    void propertyFalseAvoidsLoadingTheSimdClassEvenWithTheModule() throws Exception {
        String log = runProbe("--add-modules", "jdk.incubator.vector", "-D" + PROPERTY + "=false");
        assertTrue(log.contains("picked=scalar"), log);
        assertFalse(log.contains("SimdKernels"), log);
    }

    /** Runs {@link KernelProbe} in a fresh JVM with class-load logging, returning all output. */
    private static String runProbe(String... jvmArgs)
            throws IOException, InterruptedException, URISyntaxException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmArgs));
        command.addAll(List.of("-Xshare:off", "-XX:TieredStopAtLevel=1", "-Xlog:class+load=info",
                "-cp", location(VectorKernels.class) + File.pathSeparator + location(KernelProbe.class),
                KernelProbe.class.getName()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe JVM timed out");
        String log = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), log);
        return log;
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
