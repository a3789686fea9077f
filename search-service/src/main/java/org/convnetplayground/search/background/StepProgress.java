package org.convnetplayground.search.background;

import org.convnetplayground.jobs.JobContext;

/**
 * A job made of steps, some of which report their own progress (a collection build inside a leaderboard): maps
 * each step's progress into the job's overall progress.
 */
public final class StepProgress implements JobContext {

    private static final long SCALE = 1000;

    private final JobContext job;
    private final long steps;
    private long step;

    public StepProgress(JobContext job, long steps) {
        this.job = job;
        this.steps = Math.max(1, steps);
        job.progress(0, this.steps * SCALE);
    }

    /** Marks the current step done and moves to the next. */
    public void stepDone() {
        step = Math.min(steps, step + 1);
        job.progress(step * SCALE, steps * SCALE);
    }

    @Override
    public String jobId() {
        return job.jobId();
    }

    @Override
    public void progress(long done, long total) {
        long within = total <= 0 ? 0 : Math.min(SCALE, done * SCALE / total);
        job.progress(step * SCALE + within, steps * SCALE);
    }

    @Override
    public void message(String message) {
        job.message(message);
    }

    @Override
    public boolean isCancelled() {
        return job.isCancelled();
    }
}
