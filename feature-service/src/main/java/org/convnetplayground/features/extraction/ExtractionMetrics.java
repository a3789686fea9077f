package org.convnetplayground.features.extraction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * What operators watch of extraction (Prometheus, /q/metrics): images extracted and skipped, forward-pass time
 * per batch, jobs waiting or running, and the throughput of the last finished job.
 */
final class ExtractionMetrics {

    private final MeterRegistry registry;
    private final Timer batches;
    private final Counter skipped;
    private final AtomicReference<Double> lastThroughput = new AtomicReference<>(0.0);

    ExtractionMetrics(MeterRegistry registry, Supplier<Number> activeJobs) {
        this.registry = registry;
        this.batches = Timer.builder("cnp.extraction.batch")
                .description("Forward passes of extraction batches").register(registry);
        this.skipped = Counter.builder("cnp.extraction.skipped.images")
                .description("Images left out of extractions because they could not be read").register(registry);
        Gauge.builder("cnp.extraction.jobs.active", activeJobs, s -> s.get().doubleValue()).strongReference(true)
                .description("Extraction jobs queued or running").register(registry);
        Gauge.builder("cnp.extraction.throughput", lastThroughput, r -> r.get()).strongReference(true)
                .description("Images per second of the last finished extraction job").baseUnit("images/s")
                .register(registry);
    }

    void batch(String model, int images, long nanos) {
        batches.record(Duration.ofNanos(nanos));
        Counter.builder("cnp.extraction.images").description("Images extracted").tag("model", model)
                .register(registry).increment(images);
    }

    void skipped(int images) {
        skipped.increment(images);
    }

    void finished(double imagesPerSecond) {
        lastThroughput.set(imagesPerSecond);
    }
}
