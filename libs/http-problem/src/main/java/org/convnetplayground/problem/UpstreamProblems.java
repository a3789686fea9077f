package org.convnetplayground.problem;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.UnavailableException;
import org.convnetplayground.errors.UpstreamFailureException;

/**
 * Calls to another service of the system, with its failures turned into domain failures this service can answer:
 * the other service's own problem (e.g. "unknown model 'x'; expected one of [...]") is passed on with its words and
 * status; when it cannot be reached the caller gets an {@link UnavailableException} that names it and where it was
 * looked for.
 */
public final class UpstreamProblems {

    private final String service;
    private final String url;

    /**
     * @param service the other service's name, as users see it ("model-catalog-service")
     * @param url     where it is configured to be
     */
    public UpstreamProblems(String service, String url) {
        this.service = service;
        this.url = url;
    }

    public String url() {
        return url;
    }

    /** Runs {@code call}, translating its failure. */
    public <T> T call(Supplier<T> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    public DomainException translate(RuntimeException e) {
        if (e instanceof DomainException d) {
            return d;
        }
        if (e instanceof ProblemException p) {
            return DomainProblems.exceptionOf(p.problem());
        }
        if (e instanceof WebApplicationException wae) {
            Response r = wae.getResponse();
            try {
                Problem upstream = r.readEntity(Problem.class);
                if (upstream != null && upstream.detail() != null) {
                    return DomainProblems.exceptionOf(upstream);
                }
            } catch (RuntimeException unreadable) {
                // not a problem document
            }
            return new UpstreamFailureException("Bad gateway", "the " + service + " at " + url + " answered "
                    + r.getStatus());
        }
        if (e instanceof ProcessingException) {
            return UnavailableException.of("the " + service + " at " + url + " is unavailable: " + rootMessage(e));
        }
        return new UpstreamFailureException("Bad gateway", "calling the " + service + " at " + url + " failed: "
                + rootMessage(e));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? "connection failed" : m;
    }
}
