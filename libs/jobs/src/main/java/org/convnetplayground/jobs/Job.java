package org.convnetplayground.jobs;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.convnetplayground.problem.Problem;

/**
 * One unit of long work. Its state only moves forward; reads are lock-free snapshots. Pollers that would rather be
 * told than ask at a fixed rate wait on {@link #nextChange()}.
 */
public final class Job<R> implements JobContext {

    private final String id;
    private final String kind;
    private final String key;
    private final Clock clock;
    private final Instant createdAt;
    private final CompletableFuture<R> completion = new CompletableFuture<>();

    private volatile JobState state = JobState.QUEUED;
    private volatile long done;
    private volatile long total;
    private volatile String message;
    private volatile Problem error;
    private volatile Instant startedAt;
    private volatile Instant finishedAt;
    private volatile boolean cancelRequested;
    private volatile R result;
    /** Completed, and replaced by a new one, whenever what pollers see changes. */
    private final AtomicReference<CompletableFuture<Void>> change = new AtomicReference<>(new CompletableFuture<>());

    Job(String id, String kind, String key, Clock clock) {
        this.id = id;
        this.kind = kind;
        this.key = key;
        this.clock = clock;
        this.createdAt = clock.instant();
    }

    public String id() {
        return id;
    }

    @Override
    public String jobId() {
        return id;
    }

    public String kind() {
        return kind;
    }

    public String key() {
        return key;
    }

    public JobState state() {
        return state;
    }

    /** The result of a succeeded job. */
    public Optional<R> result() {
        return Optional.ofNullable(result);
    }

    /** Completes with the result, or exceptionally when the job fails or is cancelled. */
    public CompletableFuture<R> completion() {
        return completion;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    public JobStatus status() {
        long d = done;
        long t = total;
        JobState s = state;
        double progress = s == JobState.SUCCEEDED ? 1.0 : t > 0 ? Math.min(1.0, (double) d / t) : 0.0;
        return new JobStatus(id, kind, key, s, progress, d, t, message, error, createdAt, startedAt, finishedAt);
    }

    /**
     * Completes at the job's next change of state, progress or message; already complete once the job has ended.
     * Each caller gets its own future (completing it or adding a timeout touches no other waiter).
     */
    public CompletableFuture<Void> nextChange() {
        CompletableFuture<Void> next = change.get();
        // read after the future: a job that ends in between has completed it, or is seen ended here
        return state.isFinal() ? CompletableFuture.completedFuture(null) : next.copy();
    }

    private void changed() {
        change.getAndSet(new CompletableFuture<>()).complete(null);
    }

    @Override
    public void progress(long done, long total) {
        if (done == this.done && total == this.total) {
            return;
        }
        this.total = total;
        this.done = done;
        changed();
    }

    @Override
    public void message(String message) {
        if (java.util.Objects.equals(message, this.message)) {
            return;
        }
        this.message = message;
        changed();
    }

    @Override
    public boolean isCancelled() {
        return cancelRequested;
    }

    void requestCancel() {
        cancelRequested = true;
        synchronized (this) {
            if (state == JobState.QUEUED) {
                finish(JobState.CANCELLED, "cancelled before it started", null);
                completion.cancel(false);
            }
        }
    }

    /** Runs the work on the calling thread, recording the outcome. */
    void execute(JobWork<R> work) {
        synchronized (this) {
            if (state != JobState.QUEUED) {
                return;
            }
            state = JobState.RUNNING;
            startedAt = clock.instant();
        }
        changed();
        try {
            R value = work.run(this);
            if (cancelRequested) {
                finish(JobState.CANCELLED, "cancelled", null);
                completion.cancel(false);
            } else {
                result = value;
                finish(JobState.SUCCEEDED, message, null);
                completion.complete(value);
            }
        } catch (JobContext.JobCancelledException cancelled) {
            finish(JobState.CANCELLED, "cancelled", null);
            completion.cancel(false);
        } catch (Throwable failure) {
            Problem problem = Problems.of(failure);
            finish(JobState.FAILED, problem.detail(), problem);
            completion.completeExceptionally(failure);
        }
    }

    private synchronized void finish(JobState finalState, String finalMessage, Problem problem) {
        if (state.isFinal()) {
            return;
        }
        this.message = finalMessage;
        this.error = problem;
        this.finishedAt = clock.instant();
        this.state = finalState;
        changed();
    }
}
