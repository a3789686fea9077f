package org.convnetplayground.features.model;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;

/** Turns failures of calls to the catalog into problems clients understand. */
final class CatalogUnavailable {

    private CatalogUnavailable() {
    }

    /** The catalog's own problem (e.g. "unknown model 'x'; expected one of [...]") is passed on as it was. */
    static ProblemException translate(RuntimeException e, String catalogUrl) {
        if (e instanceof ProblemException p) {
            return p;
        }
        if (e instanceof WebApplicationException wae) {
            Response r = wae.getResponse();
            try {
                Problem upstream = r.readEntity(Problem.class);
                if (upstream != null && upstream.detail() != null) {
                    return new ProblemException(upstream.withInstance(null));
                }
            } catch (RuntimeException unreadable) {
                // not a problem document; fall through
            }
            return ProblemException.of(502, "Bad gateway", "the model-catalog-service at " + catalogUrl
                    + " answered " + r.getStatus());
        }
        if (e instanceof ProcessingException) {
            return ProblemException.of(503, "Service unavailable", "the model-catalog-service at " + catalogUrl
                    + " is unavailable: " + rootMessage(e));
        }
        return ProblemException.of(502, "Bad gateway", "calling the model-catalog-service at " + catalogUrl
                + " failed: " + rootMessage(e));
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
