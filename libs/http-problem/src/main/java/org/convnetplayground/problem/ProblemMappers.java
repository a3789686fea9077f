package org.convnetplayground.problem;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.vertx.core.http.HttpServerRequest;
import org.convnetplayground.errors.DomainException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into {@code application/problem+json}; clients never see a stack trace or a Java class name.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, HttpServerRequest request) {
        if (e.status() >= 500) {
            LOG.warnf(e, "%s %s failed: %s", request.method(), request.path(), e.getMessage());
        }
        return respond(e.problem(), request);
    }

    /**
     * The answer to a domain failure. Each service's {@code rest/} mapper calls it, so statuses come from
     * {@link DomainProblems} alone; a failure of this service itself (5xx) is logged with its cause.
     */
    public static Response domain(DomainException e, HttpServerRequest request) {
        Problem problem = DomainProblems.problemOf(e);
        if (problem.status() >= 500) {
            LOG.warnf(e, "%s %s failed: %s", request.method(), request.path(), e.getMessage());
        }
        return respond(problem, request);
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e, HttpServerRequest request) {
        Throwable cause = e.getCause();
        if (cause instanceof IllegalArgumentException) {
            // JAX-RS reports a query or path parameter that does not convert to its type as "not found"
            return respond(badParameter(cause, request), request);
        }
        String detail = "no resource at " + request.method() + " " + PathProblems.clip(request.path())
                + "; the API is described at /q/openapi";
        return respond(status(404, "Not found", detail), request);
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e, HttpServerRequest request) {
        String allowed = String.join(", ", e.getResponse().getAllowedMethods());
        String detail = "method " + request.method() + " is not allowed on " + request.path()
                + (allowed.isEmpty() ? "" : "; expected one of [" + allowed + "]");
        return respond(status(405, "Method not allowed", detail), request);
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e, HttpServerRequest request) {
        String sent = request.getHeader("Content-Type");
        String detail = "unsupported content type " + (sent == null ? "(none)" : "'" + sent + "'")
                + " for " + request.method() + " " + request.path()
                + "; see /q/openapi for the content types this operation accepts";
        return respond(status(415, "Unsupported media type", detail), request);
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, HttpServerRequest request) {
        int code = e.getResponse().getStatus();
        if (code >= 500) {
            return internal(e, request);
        }
        Response.Status known = Response.Status.fromStatusCode(code);
        String title = known == null ? "HTTP " + code : known.getReasonPhrase();
        String detail = title.toLowerCase() + ": " + request.method() + " " + request.path();
        if (e.getCause() instanceof JsonProcessingException json) {
            return respond(status(400, "Malformed JSON", describe(json)), request);
        }
        return respond(status(code, title, detail), request);
    }

    @ServerExceptionMapper(priority = 1)
    public Response json(JsonProcessingException e, HttpServerRequest request) {
        return respond(status(400, "Malformed JSON", describe(e)), request);
    }

    @ServerExceptionMapper(priority = 1)
    public Response mismatched(MismatchedInputException e, HttpServerRequest request) {
        return respond(status(400, "Malformed JSON", describe(e)), request);
    }

    @ServerExceptionMapper
    public Response internal(Throwable e, HttpServerRequest request) {
        if (e instanceof ProblemException p) {
            return problem(p, request);
        }
        if (e instanceof DomainException d) {
            return domain(d, request);
        }
        if (e instanceof java.io.IOException && "Request too large".equals(e.getMessage())) {
            // the HTTP layer has already answered 413 to an over-large streamed upload
            return respond(status(413, "Payload too large", "the request body is larger than the limit"), request);
        }
        String incident = UUID.randomUUID().toString().substring(0, 8);
        LOG.errorf(e, "incident %s: %s %s failed", incident, request.method(), request.path());
        String detail = "internal error while handling " + request.method() + " " + request.path()
                + " (incident " + incident + "; details are in the service log)";
        return respond(status(500, "Internal error", detail), request);
    }

    /** Names the parameter whose value failed to convert, found by its value among the query parameters. */
    private static Problem badParameter(Throwable cause, HttpServerRequest request) {
        String message = cause.getMessage() == null ? "" : cause.getMessage();
        java.util.regex.Matcher quoted = java.util.regex.Pattern.compile("\"([^\"]*)\"").matcher(message);
        String value = quoted.find() ? quoted.group(1) : null;
        String name = null;
        if (value != null) {
            for (var entry : request.params()) {
                if (entry.getValue().equals(value)) {
                    name = entry.getKey();
                    break;
                }
            }
        }
        String expected = cause instanceof NumberFormatException ? "a number" : "a value of the documented type";
        String detail = "invalid " + (name == null ? "parameter" : name) + (value == null ? "" : ": '" + value + "'")
                + "; expected " + expected + " (see /q/openapi)";
        return new Problem("about:blank", "Invalid parameter", 400, detail, null, name, value, null, null);
    }

    /** Describes a JSON body problem by field path and expectation, without Java type names. */
    static String describe(JsonProcessingException e) {
        if (e instanceof JsonParseException parse) {
            var loc = parse.getLocation();
            return "malformed JSON body at line " + loc.getLineNr() + ", column " + loc.getColumnNr()
                    + ": " + parse.getOriginalMessage().replaceAll("\\(code \\d+\\)", "").trim();
        }
        if (e instanceof JsonMappingException mapping) {
            String field = mapping.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
            String where = field.isEmpty() ? "the JSON body" : "field '" + field + "'";
            if (e instanceof UnrecognizedPropertyException unknown) {
                String known = unknown.getKnownPropertyIds() == null ? "" : unknown.getKnownPropertyIds().stream()
                        .map(String::valueOf).sorted().collect(Collectors.joining(", ", "; expected one of [", "]"));
                return "unknown " + where + known;
            }
            if (e instanceof InvalidFormatException invalid) {
                return "invalid value " + quoted(invalid.getValue()) + " for " + where
                        + "; expected " + friendlyType(invalid.getTargetType());
            }
            if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
                return "invalid value for " + where + "; expected " + friendlyType(mismatch.getTargetType());
            }
            return "invalid " + where;
        }
        return "malformed JSON body";
    }

    private static String quoted(Object v) {
        return v == null ? "null" : "'" + v + "'";
    }

    private static String friendlyType(Class<?> type) {
        if (type == null) {
            return "a different value";
        }
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isArray() || java.util.Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type.isEnum()) {
            return "one of " + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase();
        }
        return "a JSON object";
    }

    private static Problem status(int status, String title, String detail) {
        return new Problem("about:blank", title, status, detail, null, null, null, null, null);
    }

    static Response respond(Problem problem, HttpServerRequest request) {
        return Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .entity(problem.withInstance(PathProblems.clip(request.path())))
                .build();
    }
}
