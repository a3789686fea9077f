package org.convnetplayground.search.background;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.jobs.JobRegistry;
import org.convnetplayground.jobs.JobWork;
import org.convnetplayground.search.config.SearchConfig;

/**
 * The search-service's long work - collection builds, evaluations, leaderboards, projections, duplicate scans - on
 * one bounded pool, all pollable at /api/search/jobs/{id}.
 */
// Eager, so the jobs gauge is on /q/metrics before the first job.
@Startup
@ApplicationScoped
public class BackgroundJobs {

    private final JobRegistry jobs;
    private final MeterRegistry registry;

    @Inject
    public BackgroundJobs(SearchConfig config, MeterRegistry registry) {
        this.registry = registry;
        this.jobs = new JobRegistry(Executors.newFixedThreadPool(Math.max(1, config.jobThreads()), r -> {
            Thread t = new Thread(r, "search-job");
            t.setDaemon(true);
            return t;
        }), config.jobRetention());
        Gauge.builder("cnp.search.jobs.active", jobs, JobRegistry::activeCount).strongReference(true)
                .description("Builds, evaluations, projections and scans queued or running").register(registry);
    }

    void onStop(@Observes ShutdownEvent event) {
        jobs.close();
    }

    /** Starts {@code work}, or returns the job of the same kind and key already queued or running. */
    public <R> Job<R> submit(String kind, String key, JobWork<R> work) {
        return jobs.submit(kind, key, work);
    }

    public Optional<Job<?>> find(String id) {
        return jobs.find(id);
    }

    public JobRegistry registry() {
        return jobs;
    }

    /**
     * A cache of results computed at once or by jobs of {@code kind}, bounded by their estimated bytes.
     *
     * @param maxBytes most bytes kept
     * @param bytes    the estimated size of a result
     * @param fresh    whether a kept result may still be served
     */
    public <K, V> CachedOrJob<K, V> cachedOrJob(String kind, long maxBytes, ToLongFunction<? super V> bytes,
                                                Predicate<? super V> fresh) {
        return new CachedOrJob<>(kind, this, maxBytes, bytes, fresh, registry);
    }

    /** As {@link #cachedOrJob(String, long, ToLongFunction, Predicate)}, for results valid as long as kept. */
    public <K, V> CachedOrJob<K, V> cachedOrJob(String kind, long maxBytes, ToLongFunction<? super V> bytes) {
        return cachedOrJob(kind, maxBytes, bytes, v -> true);
    }
}
