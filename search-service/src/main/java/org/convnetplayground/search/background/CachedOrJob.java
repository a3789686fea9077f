package org.convnetplayground.search.background;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.convnetplayground.jobs.JobContext;

/**
 * Results that take a while to compute, kept per key: a request gets the kept result, or the result computed at once
 * on its own thread (small inputs), or the job computing it (large ones), which later requests join. The one
 * pattern behind evaluations, projections, duplicate scans and leaderboards.
 *
 * @param <K> what a result is about; equal keys share one result, and {@code toString()} is the job's key, so equal
 *            keys also share one job
 * @param <V> the result
 */
public final class CachedOrJob<K, V> {

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
    private final Map<K, V> results = new ConcurrentHashMap<>();

    /**
     * @param kind  the kind of job (its {@code kind} for pollers: evaluation, projection, ...)
     * @param fresh whether a kept result may still be served (false: it is computed again)
     */
    public CachedOrJob(String kind, BackgroundJobs jobs, Predicate<? super V> fresh) {
        this.kind = kind;
        this.jobs = jobs;
        this.fresh = fresh;
    }

    /** Results that stay valid as long as they are kept (their key names the data they were computed from). */
    public CachedOrJob(String kind, BackgroundJobs jobs) {
        this(kind, jobs, v -> true);
    }

    /** The kept result of {@code key}, if there is one still fresh. */
    public Optional<V> cached(K key) {
        V hit = results.get(key);
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
        return Outcome.pending(jobs.submit(kind, key.toString(), ctx -> computeAndKeep(key, ctx, computation)));
    }

    /** The kept result of {@code key}, else computed on the calling thread, reporting to {@code ctx} (may be null). */
    public V getNow(K key, JobContext ctx, Computation<V> computation) throws InterruptedException {
        Optional<V> hit = cached(key);
        if (hit.isPresent()) {
            return hit.get();
        }
        try {
            return computeAndKeep(key, ctx, computation);
        } catch (InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            // computations that run at once throw no checked failures but interruption
            throw new IllegalStateException(kind + " " + key + " failed: " + e.getMessage(), e);
        }
    }

    /** The kept result or the job computing it; empty when there is neither. Starts nothing. */
    public Optional<Outcome<V>> peek(K key) {
        Optional<V> hit = cached(key);
        if (hit.isPresent()) {
            return Optional.of(Outcome.ready(hit.get()));
        }
        return jobs.registry().active(kind, key.toString()).map(Outcome::pending);
    }

    private V computeAndKeep(K key, JobContext ctx, Computation<V> computation) throws Exception {
        V value = computation.compute(ctx);
        results.put(key, value);
        return value;
    }
}
