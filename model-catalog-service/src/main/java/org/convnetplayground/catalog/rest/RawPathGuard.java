package org.convnetplayground.catalog.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import org.convnetplayground.problem.Problem;

/**
 * Refuses request paths with '.' or '..' segments, also percent-encoded ({@code %2e%2e}), with a 400 problem before
 * any route sees them. Vert.x routes by the normalised path, so {@code /api/catalog/../../q/metrics} would otherwise
 * reach {@code /q/metrics}: a proxy that forwards only {@code /api/catalog/*} to this service would let the outside
 * reach its internal endpoints. No client of the API needs such a path.
 */
@ApplicationScoped
public class RawPathGuard {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Before every other route, including the body limits. */
    static final int ORDER = Integer.MIN_VALUE;
    private static final int ECHOED = 200;

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(RawPathGuard::check);
    }

    private static void check(RoutingContext ctx) {
        String raw = ctx.request().path();
        if (raw == null || !hasDotSegment(raw)) {
            ctx.next();
            return;
        }
        String shown = raw.length() > ECHOED ? raw.substring(0, ECHOED) + "..." : raw;
        Problem problem = new Problem("about:blank", "Invalid path", 400, "invalid path: '" + shown + "'; expected a "
                + "path without '.' or '..' segments (also when percent-encoded); the API is described at /q/openapi",
                shown, "path", shown, null, null);
        String body;
        try {
            body = JSON.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ctx.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE).end(body);
    }

    /** Whether a raw path has a "." or ".." segment, reading %2e as '.' and %2f and %5c (and '\') as separators. */
    static boolean hasDotSegment(String raw) {
        String path = raw.toLowerCase(Locale.ROOT).replace("%2e", ".").replace("%2f", "/").replace("%5c", "/")
                .replace('\\', '/');
        for (String segment : path.split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return true;
            }
        }
        return false;
    }
}
