package org.convnetplayground.jobs;

/** What running work sees of its job. */
public interface JobContext {

    String jobId();

    /** Reports that {@code done} of {@code total} units are finished. */
    void progress(long done, long total);

    /** A short human-readable note on what the job is doing now. */
    void message(String message);

    boolean isCancelled();

    /** Ends the work early when the job was cancelled. */
    default void throwIfCancelled() {
        if (isCancelled()) {
            throw new JobCancelledException();
        }
    }

    /** Thrown inside work to stop it because its job was cancelled. */
    final class JobCancelledException extends RuntimeException {
        public JobCancelledException() {
            super("cancelled", null, false, false);
        }
    }
}
