package org.convnetplayground.jobs;

import org.convnetplayground.errors.DomainException;
import org.convnetplayground.problem.DomainProblems;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;
import org.jboss.logging.Logger;

/** Describes why a job failed, in the same problem shape the REST APIs use. */
final class Problems {

    private static final Logger LOG = Logger.getLogger(Problems.class);

    private Problems() {
    }

    static Problem of(Throwable failure) {
        if (failure instanceof ProblemException p) {
            return p.problem();
        }
        if (failure instanceof DomainException d) {
            return DomainProblems.problemOf(d);
        }
        LOG.error("job failed", failure);
        String why = failure.getMessage() == null ? "unexpected error (see the service log)" : failure.getMessage();
        return new Problem("about:blank", "Job failed", 500, why, null, null, null, null, null);
    }
}
