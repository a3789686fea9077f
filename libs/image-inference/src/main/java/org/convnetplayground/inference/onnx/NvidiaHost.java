package org.convnetplayground.inference.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What this machine (or container) shows of NVIDIA hardware, read from the files the kernel driver creates: the
 * driver's version line and the GPU device nodes. Read only; nothing is loaded.
 *
 * @param versionFile where the driver's version was looked for
 * @param driver      the driver's version line, when the kernel driver is loaded
 * @param devDir      where device nodes were looked for
 * @param devices     the GPU device nodes ("nvidia0", ...), in order
 */
public record NvidiaHost(Path versionFile, Optional<String> driver, Path devDir, List<String> devices) {

    private static final Pattern DEVICE = Pattern.compile("nvidia(\\d+)");

    public NvidiaHost {
        devices = List.copyOf(devices);
    }

    /** This machine. */
    public static NvidiaHost detect() {
        return detect(Path.of("/proc/driver/nvidia/version"), Path.of("/dev"));
    }

    /** As {@link #detect()}, reading the driver's version file and the device folder given. */
    public static NvidiaHost detect(Path versionFile, Path devDir) {
        Optional<String> driver = Optional.empty();
        try {
            if (Files.isReadable(versionFile)) {
                driver = Files.readAllLines(versionFile).stream().map(String::trim).filter(l -> !l.isEmpty())
                        .findFirst().map(l -> l.replaceAll("\\s+", " "));
            }
        } catch (IOException | RuntimeException unreadable) {
            // a version file that cannot be read counts as no driver
        }
        List<String> devices = List.of();
        if (Files.isDirectory(devDir)) {
            try (Stream<Path> entries = Files.list(devDir)) {
                devices = entries.map(p -> p.getFileName().toString()).filter(n -> DEVICE.matcher(n).matches())
                        .sorted((a, b) -> Integer.compare(index(a), index(b))).toList();
            } catch (IOException | RuntimeException unreadable) {
                // an unreadable folder shows no devices
            }
        }
        return new NvidiaHost(versionFile, driver, devDir, devices);
    }

    private static int index(String device) {
        return Integer.parseInt(device.substring("nvidia".length()));
    }

    /** Whether the kernel driver is loaded and at least one GPU device node is there. */
    public boolean hasGpu() {
        return driver.isPresent() && !devices.isEmpty();
    }
}
