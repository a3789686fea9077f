package org.convnetplayground.problem;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers over-large request bodies with a problem document instead of the HTTP layer's empty 413: requests that
 * declare a larger Content-Length are refused before any byte is read; streamed ones that exceed the limit on the
 * way are caught by a failure handler.
 */
@ApplicationScoped
public class BodyLimitProblems {

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<MemorySize> maxBodySize;

    void install(@Observes Router router) {
        long limit = maxBodySize.map(MemorySize::asLongValue).orElse(10L * 1024 * 1024);
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (declared != null) {
                try {
                    long length = Long.parseLong(declared.trim());
                    if (length > limit) {
                        tooLarge(ctx, "the request body is " + length + " bytes; the limit is " + limit + " bytes", true);
                        return;
                    }
                } catch (NumberFormatException ignored) {
                    // let the HTTP layer judge a malformed header
                }
            }
            ctx.next();
        });
        router.route().failureHandler(ctx -> {
            if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
                tooLarge(ctx, "the request body is larger than the limit of " + limit + " bytes", true);
            } else {
                ctx.next();
            }
        });
    }

    private static void tooLarge(RoutingContext ctx, String detail, boolean close) {
        String body = "{\"type\":\"about:blank\",\"title\":\"Payload too large\",\"status\":413,\"detail\":\""
                + detail + "\",\"instance\":\"" + ctx.request().path().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        ctx.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .putHeader(HttpHeaders.CONNECTION, close ? "close" : "keep-alive")
                .end(body);
    }
}
