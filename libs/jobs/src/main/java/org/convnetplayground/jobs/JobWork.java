package org.convnetplayground.jobs;

/** The body of a job. It reports progress and checks for cancellation through its context. */
@FunctionalInterface
public interface JobWork<R> {
    R run(JobContext context) throws Exception;
}
