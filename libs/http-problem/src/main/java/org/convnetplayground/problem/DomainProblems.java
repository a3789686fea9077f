package org.convnetplayground.problem;

import org.convnetplayground.errors.ConflictException;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.ForbiddenException;
import org.convnetplayground.errors.GoneException;
import org.convnetplayground.errors.InternalFailureException;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.TooLargeException;
import org.convnetplayground.errors.UnavailableException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.errors.UpstreamFailureException;
import org.convnetplayground.errors.VerificationFailedException;

/**
 * The one place where a sort of domain failure becomes an HTTP status. Each service's {@code rest/} mapper and the
 * job registry (for a failed job's {@code error}) go through it, so a failure reads the same wherever it surfaces.
 */
public final class DomainProblems {

    private DomainProblems() {
    }

    public static int statusOf(DomainException e) {
        // Java 17 has no pattern switch; DomainException is sealed, so this list is complete.
        if (e instanceof InvalidInputException) {
            return 400;
        } else if (e instanceof ForbiddenException) {
            return 403;
        } else if (e instanceof UnknownNameException) {
            return 404;
        } else if (e instanceof ConflictException) {
            return 409;
        } else if (e instanceof GoneException) {
            return 410;
        } else if (e instanceof TooLargeException) {
            return 413;
        } else if (e instanceof VerificationFailedException) {
            return 422;
        } else if (e instanceof InternalFailureException) {
            return 500;
        } else if (e instanceof UpstreamFailureException) {
            return 502;
        } else if (e instanceof UnavailableException) {
            return 503;
        }
        throw new IllegalStateException("no status for " + e.getClass().getName());
    }

    public static Problem problemOf(DomainException e) {
        return new Problem("about:blank", e.title(), statusOf(e), e.detail(), null, e.parameter(), e.value(),
                e.choices(), e.choicesUrl());
    }

    /**
     * Another service's problem as the domain failure it stands for, so that what it said (title, detail, choices)
     * reaches this service's clients with the same status: a 404 from the feature-service naming the images of a
     * dataset stays a 404 naming them. A status outside the known sorts is that service's failure (502).
     */
    public static DomainException exceptionOf(Problem p) {
        String title = p.title() == null ? "Upstream problem" : p.title();
        String detail = p.detail() == null ? title : p.detail();
        DomainException.Details details = new DomainException.Details(p.parameter(), p.value(), p.choices(),
                p.choicesUrl());
        int status = p.status();
        if (status == 403) {
            return new ForbiddenException(title, detail, details, null);
        } else if (status == 404) {
            return new UnknownNameException(title, detail, details);
        } else if (status == 409) {
            return new ConflictException(title, detail, details, null);
        } else if (status == 410) {
            return new GoneException(title, detail, details, null);
        } else if (status == 413) {
            return new TooLargeException(title, detail, details, null);
        } else if (status == 422) {
            return new VerificationFailedException(title, detail, details, null);
        } else if (status >= 400 && status < 500) {
            return new InvalidInputException(title, detail, details);
        } else if (status == 500) {
            return new InternalFailureException(title, detail, details, null);
        } else if (status == 503) {
            return new UnavailableException(title, detail, details, null);
        }
        return new UpstreamFailureException(title, detail, details, null);
    }
}
