package org.convnetplayground.search.background;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.convnetplayground.jobs.JobContext;

/**
 * Results that take a while to compute, kept per key: a request gets the kept result, or the result computed at once
 * on its own thread (small inputs), or the job computing it (large ones), which later requests join. The one
 * pattern behind evaluations, projections, duplicate scans and leaderboards.
 *
 * <p>What is kept is bounded by its estimated size in bytes, not by what clients ask: a Caffeine cache with a
 * weigher, which beyond its budget drops the results least likely to be asked again. A job's result is kept by the
 * cache, never by the job (finished jobs stay listed for an hour, and would otherwise hold every result of that hour).
 * Caffeine may decline to admit a new result when the cache is full of ones asked for more often; so that the
 * client who waited for a job still gets its result, the last few results of jobs are also held aside until they
 * are first asked for.
 *
 * @param <K> what a result is about; equal keys share one result, and {@code toString()} is the job's key, so equal
 *            keys also share one job
 * @param <V> the result
 */
public final class CachedOrJob<K, V> {

    /** Results of finished jobs held aside until first asked for: the jobs that can finish between two polls. */
    static final int HAND_OFF = 4;

    /**
     * How a result is computed.
     *
     * @param <V> the result
     */
    @FunctionalInterface
    public interface Computation<V> {
        /** @param ctx the job's progress and cancellation; null when computed at once on the request's thread */
        V compute(JobContext ctx) throws Exception;
    }

    private final String kind;
    private final BackgroundJobs jobs;
    private final Predicate<? super V> fresh;
    private final Cache<K, V> results;
    private final Map<K, V> handOff = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > HAND_OFF;
        }
    };

    /**
     * @param kind     the kind of job (its {@code kind} for pollers: evaluation, projection, ...), and the cache's
     *                 name in the metrics
     * @param maxBytes most bytes of results kept (estimated)
     * @param bytes    the estimated size of a result
     * @param fresh    whether a kept result may still be served (false: it is computed again)
     */
    CachedOrJob(String kind, BackgroundJobs jobs, long maxBytes, ToLongFunction<? super V> bytes,
                Predicate<? super V> fresh, MeterRegistry registry) {
        this.kind = kind;
        this.jobs = jobs;
        this.fresh = fresh;
        this.results = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((K key, V value) -> weight(key, value, bytes))
                .recordStats()
                .build();
        CaffeineCacheMetrics.monitor(registry, results, kind);
        Gauge.builder("cnp.search.result.cache.bytes", results, CachedOrJob::weightedSize).tag("cache", kind)
                .baseUnit("bytes").description("Estimated bytes of results kept by each result cache")
                .strongReference(true).register(registry);
        Gauge.builder("cnp.search.result.cache.max.bytes", () -> maxBytes).tag("cache", kind).baseUnit("bytes")
                .description("The configured bound of each result cache").strongReference(true).register(registry);
    }

    private static <K, V> int weight(K key, V value, ToLongFunction<? super V> bytes) {
        long keyBytes = key instanceof String s ? Footprint.string(s) : Footprint.OBJECT;
        return (int) Math.min(Integer.MAX_VALUE, keyBytes + bytes.applyAsLong(value));
    }

    private static double weightedSize(Cache<?, ?> cache) {
        return cache.policy().eviction().flatMap(e -> {
            java.util.OptionalLong w = e.weightedSize();
            return w.isPresent() ? Optional.of(w.getAsLong()) : Optional.empty();
        }).orElse(0L);
    }

    /** The kept result of {@code key}, if there is one still fresh. */
    public Optional<V> cached(K key) {
        V hit = results.getIfPresent(key);
        if (hit == null) {
            synchronized (handOff) {
                hit = handOff.remove(key);
            }
            if (hit != null) {
                // asked for once: another chance to be admitted
                results.put(key, hit);
            }
        }
        return hit != null && fresh.test(hit) ? Optional.of(hit) : Optional.empty();
    }

    /**
     * The kept result of {@code key}; else, when {@code now}, the result computed on the calling thread; else the job
     * computing it (the one already running for this key, or a new one).
     */
    public Outcome<V> get(K key, boolean now, Computation<V> computation) throws InterruptedException {
        Optional<V> hit = cached(key);
        if (hit.isPresent()) {
            return Outcome.ready(hit.get());
        }
        if (now) {
            return Outcome.ready(getNow(key, null, computation));
        }
        return Outcome.pending(jobs.submit(kind, key.toString(), ctx -> {
            V value = computation.compute(ctx);
            results.put(key, value);
            synchronized (handOff) {
                handOff.put(key, value);
            }
            // the job keeps no result: the cache (bounded) does
            return null;
        }));
    }

    /** The kept result of {@code key}, else computed on the calling thread, reporting to {@code ctx} (may be null). */
    public V getNow(K key, JobContext ctx, Computation<V> computation) throws InterruptedException {
        Optional<V> hit = cached(key);
        if (hit.isPresent()) {
            return hit.get();
        }
        V value;
        try {
            value = computation.compute(ctx);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // computations that run at once throw no checked failures but interruption
            throw new IllegalStateException(kind + " " + key + " failed: " + e.getMessage(), e);
        }
        results.put(key, value);
        return value;
    }

    /** The kept result or the job computing it; empty when there is neither. Starts nothing. */
    public Optional<Outcome<V>> peek(K key) {
        Optional<V> hit = cached(key);
        if (hit.isPresent()) {
            return Optional.of(Outcome.ready(hit.get()));
        }
        return jobs.registry().active(kind, key.toString()).map(Outcome::pending);
    }
}
