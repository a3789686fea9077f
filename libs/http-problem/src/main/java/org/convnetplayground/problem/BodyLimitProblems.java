package org.convnetplayground.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Optional;
import java.util.function.LongFunction;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers over-large request bodies with a problem document instead of the HTTP layer's empty 413: requests that
 * declare a larger Content-Length are refused before any byte is read; streamed ones that exceed the limit on the
 * way are caught by a failure handler. Services with a lower limit on one endpoint use
 * {@link #refuseDeclaredLengthOver} for it.
 */
@ApplicationScoped
public class BodyLimitProblems {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    Optional<MemorySize> maxBodySize;

    /** Where the service-wide check runs; an endpoint's own lower limit goes before it ({@link #ENDPOINT_ORDER}). */
    static final int SERVICE_ORDER = Integer.MIN_VALUE + 10;
    /** Route order for {@link #refuseDeclaredLengthOver} on one endpoint, so that its more specific problem wins. */
    public static final int ENDPOINT_ORDER = Integer.MIN_VALUE;

    void install(@Observes Router router) {
        long limit = maxBodySize.map(MemorySize::asLongValue).orElse(10L * 1024 * 1024);
        refuseDeclaredLengthOver(router.route().order(SERVICE_ORDER), limit, length -> payloadTooLarge(
                "the request body is " + length + " bytes; the limit is " + limit + " bytes"));
        router.route().failureHandler(ctx -> {
            if (ctx.statusCode() == 413 && !ctx.response().headWritten()) {
                tooLarge(ctx, payloadTooLarge("the request body is larger than the limit of " + limit + " bytes"));
            } else {
                ctx.next();
            }
        });
    }

    /**
     * On {@code route}: a request whose declared Content-Length exceeds {@code limit} is answered at once with the
     * 413 problem {@code problem} makes of that length (its instance set to the request path), and the rest of the
     * body is read and dropped; others go on. A malformed Content-Length is left to the HTTP layer.
     */
    public static void refuseDeclaredLengthOver(Route route, long limit, LongFunction<Problem> problem) {
        route.handler(ctx -> {
            String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            if (declared != null) {
                try {
                    long length = Long.parseLong(declared.trim());
                    if (length > limit) {
                        tooLarge(ctx, problem.apply(length));
                        return;
                    }
                } catch (NumberFormatException ignored) {
                    // let the HTTP layer judge a malformed header
                }
            }
            ctx.next();
        });
    }

    private static Problem payloadTooLarge(String detail) {
        return new Problem("about:blank", "Payload too large", 413, detail, null, null, null, null, null);
    }

    private static void tooLarge(RoutingContext ctx, Problem problem) {
        String body;
        try {
            body = JSON.writeValueAsString(problem.withInstance(ctx.request().path()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        ctx.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .end(body);
        drain(ctx);
    }

    /** Most bytes of a refused body read and dropped before the connection is closed instead. */
    static final long DRAIN_LIMIT = 256L * 1024 * 1024;

    /**
     * Reads and drops the rest of a refused body, so that the connection closes only once the client has sent it.
     * Closing with unread bytes makes the kernel reset the connection, and a client (or the web UI's proxy) that
     * sends its whole body before reading the answer then sees "connection reset" instead of the 413. Past
     * {@link #DRAIN_LIMIT} the connection is closed all the same.
     */
    private static void drain(RoutingContext ctx) {
        var request = ctx.request();
        if (request.isEnded()) {
            return;
        }
        long[] dropped = {0};
        request.handler(chunk -> {
            dropped[0] += chunk.length();
            if (dropped[0] > DRAIN_LIMIT) {
                request.connection().close();
            }
        });
        request.exceptionHandler(e -> {
            // the client went away: nothing left to drain
        });
        request.resume();
    }
}
