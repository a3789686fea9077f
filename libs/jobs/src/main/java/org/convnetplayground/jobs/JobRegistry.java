package org.convnetplayground.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * Runs jobs on a bounded executor and remembers them for a while after they finish, so clients can poll the
 * final state. Submitting work under a key that already has a job in flight returns that job instead of
 * starting a second one.
 */
public final class JobRegistry implements AutoCloseable {

    private final ExecutorService executor;
    private final Duration retention;
    private final Clock clock;
    private final Map<String, Job<?>> jobs = new ConcurrentHashMap<>();

    public JobRegistry(ExecutorService executor, Duration retention) {
        this(executor, retention, Clock.systemUTC());
    }

    public JobRegistry(ExecutorService executor, Duration retention, Clock clock) {
        this.executor = executor;
        this.retention = retention;
        this.clock = clock;
    }

    /**
     * Starts {@code work} as a job of {@code kind} about {@code key}, unless one is already queued or running
     * for the same kind and key, in which case that one is returned.
     */
    @SuppressWarnings("unchecked")
    public synchronized <R> Job<R> submit(String kind, String key, JobWork<R> work) {
        purgeExpired();
        Optional<Job<?>> running = active(kind, key);
        if (running.isPresent()) {
            return (Job<R>) running.get();
        }
        Job<R> job = new Job<>(UUID.randomUUID().toString(), kind, key, clock);
        jobs.put(job.id(), job);
        try {
            executor.execute(() -> job.execute(work));
        } catch (RejectedExecutionException e) {
            jobs.remove(job.id());
            throw new IllegalStateException("the job executor is shut down", e);
        }
        return job;
    }

    public Optional<Job<?>> find(String id) {
        return Optional.ofNullable(jobs.get(id));
    }

    /** The queued or running job of this kind about this key, if any. */
    public Optional<Job<?>> active(String kind, String key) {
        return jobs.values().stream()
                .filter(j -> !j.state().isFinal() && j.kind().equals(kind) && j.key().equals(key))
                .findFirst();
    }

    /** Asks a job to stop; returns false when there is no such job. */
    public boolean cancel(String id) {
        Job<?> job = jobs.get(id);
        if (job == null) {
            return false;
        }
        job.requestCancel();
        return true;
    }

    /** All remembered jobs, newest first. */
    public List<Job<?>> list() {
        purgeExpired();
        List<Job<?>> all = new ArrayList<>(jobs.values());
        all.sort(Comparator.comparing((Job<?> j) -> j.status().createdAt()).reversed());
        return all;
    }

    /** Forgets a finished job; false when there is no such job or it has not finished. */
    public boolean remove(String id) {
        Job<?> job = jobs.get(id);
        return job != null && job.state().isFinal() && jobs.remove(id, job);
    }

    /** Number of jobs queued or running, for metrics. */
    public long activeCount() {
        return jobs.values().stream().filter(j -> !j.state().isFinal()).count();
    }

    private void purgeExpired() {
        Instant horizon = clock.instant().minus(retention);
        jobs.values().removeIf(j -> j.state().isFinal() && j.finishedAt() != null && j.finishedAt().isBefore(horizon));
    }

    @Override
    public void close() {
        jobs.values().forEach(Job::requestCancel);
        executor.shutdownNow();
    }
}
