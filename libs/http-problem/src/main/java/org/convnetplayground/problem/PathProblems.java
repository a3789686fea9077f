package org.convnetplayground.problem;

import io.quarkus.runtime.StartupEvent;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Request paths no resource should see, answered with problem+json in every service: first of all, a path with
 * '.' or '..' segments (also percent-encoded), which the router would resolve into another path than the one a
 * proxy in front of the service routed ('/api/catalog/../../q/metrics'); last of all, a path nothing else answers
 * (outside the REST resources too, e.g. under {@code /q/}), instead of Vert.x's HTML page.
 */
@Singleton
public class PathProblems {

    void install(@Observes StartupEvent event, Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String path = ctx.request().path();
            if (dotSegment(path) == null) {
                ctx.next();
            } else {
                String shown = clip(path);
                answer(ctx, new Problem("about:blank", "Invalid path", 400, "invalid path: '" + shown + "'; expected a"
                        + " path without '.' or '..' segments (also when percent-encoded); the API is described at"
                        + " /q/openapi", shown, "path", shown, null, null));
            }
        });
        router.route().last().handler(ctx -> {
            HttpServerRequest r = ctx.request();
            answer(ctx, new Problem("about:blank", "Not found", 404, "no resource at " + r.method() + " "
                    + clip(r.path()) + "; the API is described at /q/openapi", clip(r.path()), null, null, null, null));
        });
    }

    /** The first segment of the raw path that is, or hides, '.' or '..'; null when there is none. */
    static String dotSegment(String rawPath) {
        if (rawPath == null) {
            return null;
        }
        for (String segment : rawPath.split("/")) {
            String decoded;
            try {
                decoded = URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                continue; // not valid percent-encoding: the resources refuse it themselves
            }
            for (String part : decoded.split("[/\\\\]", -1)) {
                if (part.equals(".") || part.equals("..")) {
                    return segment;
                }
            }
        }
        return null;
    }

    /** A path as echoed back: at most 200 characters, so a huge URL is not sent back whole. */
    static String clip(String path) {
        return path.length() <= 200 ? path : path.substring(0, 200) + "… (" + path.length() + " characters)";
    }

    private static void answer(RoutingContext ctx, Problem problem) {
        ctx.response().setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE)
                .end(Json.encode(problem));
    }
}
