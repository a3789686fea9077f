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
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.LongFunction;
import org.convnetplayground.errors.TooLargeException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Answers over-large request bodies with a problem document instead of the HTTP layer's empty 413: requests that
 * declare a larger Content-Length are refused before any byte is read; streamed ones that exceed the limit on the
 * way are caught by a failure handler. Services with a lower limit on one endpoint use
 * {@link #refuseDeclaredLengthOver} for it; a lower limit for every JSON body is {@link #refuseJsonDeclaredOver} with
 * {@link #readJsonWithin}.
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

    /**
     * Limits JSON request bodies (application/json and any +json type) to {@code limit} bytes before the JSON parser
     * reads them, part one: on {@code router}, a JSON request that declares a larger Content-Length is answered 413
     * at once, naming the limit and {@code setting} (the key that sets it), and its body is never read. Part two is
     * {@link #readJsonWithin}, for bodies that stream without a length.
     */
    public static void refuseJsonDeclaredOver(Router router, long limit, String setting) {
        Route json = router.route().order(ENDPOINT_ORDER + 1);
        json.handler(ctx -> {
            if (isJson(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
                String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
                if (declared != null) {
                    try {
                        long length = Long.parseLong(declared.trim());
                        if (length > limit) {
                            tooLarge(ctx, payloadTooLarge("the JSON body is " + length + " bytes; the limit for JSON "
                                    + "bodies is " + limit + " bytes (" + setting + ")"));
                            return;
                        }
                    } catch (NumberFormatException ignored) {
                        // let the HTTP layer judge a malformed header
                    }
                }
            }
            ctx.next();
        });
    }

    /**
     * Part two of {@link #refuseJsonDeclaredOver}, for a JAX-RS {@code ReaderInterceptor}: reads a JSON entity through
     * a stream cut off at {@code limit} bytes, so a body sent without a Content-Length (chunked) is refused with a
     * {@link TooLargeException} (413 naming the limit and {@code setting}) as soon as it passes the limit instead of
     * being parsed whole. Other entities are read as they are.
     */
    public static Object readJsonWithin(ReaderInterceptorContext context, long limit, String setting) throws IOException {
        if (context.getMediaType() == null || !isJson(context.getMediaType().toString())) {
            return context.proceed();
        }
        context.setInputStream(limitedJson(context.getInputStream(), limit, setting));
        try {
            return context.proceed();
        } catch (IOException | RuntimeException e) {
            // an IOException passes through the JSON parser as it is; look through wrappers all the same
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof JsonBodyTooLarge tooLarge) {
                    throw tooLarge.failure();
                }
            }
            throw e;
        }
    }

    /** {@code in}, failing with {@link JsonBodyTooLarge} once more than {@code limit} bytes are read. */
    static InputStream limitedJson(InputStream in, long limit, String setting) {
        return new FilterInputStream(in) {
            private long count;

            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    counted(1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    counted(n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                counted(skipped);
                return skipped;
            }

            private void counted(long n) throws JsonBodyTooLarge {
                count += n;
                if (count > limit) {
                    throw new JsonBodyTooLarge(new TooLargeException("Payload too large", "the JSON body is larger than "
                            + "the limit for JSON bodies of " + limit + " bytes (" + setting + ")"));
                }
            }
        };
    }

    /** Thrown by the limited stream: an IOException, which JSON parsers pass on unwrapped. */
    static final class JsonBodyTooLarge extends IOException {
        private final transient TooLargeException failure;

        JsonBodyTooLarge(TooLargeException failure) {
            super(failure.getMessage());
            this.failure = failure;
        }

        TooLargeException failure() {
            return failure;
        }
    }

    /** Whether a Content-Type names JSON: application/json or a +json type such as application/merge-patch+json. */
    public static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || (type.startsWith("application/") && type.endsWith("+json"));
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
