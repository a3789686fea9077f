package org.convnetplayground.problem;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A client-facing failure. Domain code throws it with a message that names the bad value and the valid
 * choices; {@link ProblemMappers} turns it into {@code application/problem+json}.
 */
public class ProblemException extends RuntimeException {

    /** Choices beyond this many are elided from the human message (the full list stays in {@code choices}). */
    private static final int CHOICES_IN_MESSAGE = 40;

    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public ProblemException(Problem problem, Throwable cause) {
        super(problem.detail(), cause);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public int status() {
        return problem.status();
    }

    public static ProblemException of(int status, String title, String detail) {
        return new ProblemException(new Problem("about:blank", title, status, detail, null, null, null, null, null));
    }

    public static ProblemException badRequest(String detail) {
        return of(400, "Bad request", detail);
    }

    public static ProblemException notFound(String detail) {
        return of(404, "Not found", detail);
    }

    public static ProblemException conflict(String detail) {
        return of(409, "Conflict", detail);
    }

    public static ProblemException unavailable(String detail) {
        return of(503, "Service unavailable", detail);
    }

    /**
     * 400 for a parameter outside its domain: "invalid k: 0; expected an integer from 1 to 1000".
     */
    public static ProblemException invalid(String parameter, Object value, String expected) {
        String detail = "invalid " + parameter + ": " + quote(value) + "; expected " + expected;
        return new ProblemException(new Problem("about:blank", "Invalid parameter", 400, detail, null,
                parameter, value == null ? null : String.valueOf(value), null, null));
    }

    /** 400 for a required parameter that is missing. */
    public static ProblemException missing(String parameter, String expected) {
        String detail = "missing " + parameter + "; expected " + expected;
        return new ProblemException(new Problem("about:blank", "Missing parameter", 400, detail, null,
                parameter, null, null, null));
    }

    /**
     * 404 for a name that does not exist, in the shape users learn once:
     * "unknown layer 'conv9' for model 'mobilenet_v2_1.0_224'; expected one of [a, b, c]".
     *
     * @param kind       what was looked up ("layer", "dataset")
     * @param value      the name the client sent
     * @param context    where it was looked up, or null ("for model 'x'")
     * @param choices    the valid names
     * @param choicesUrl the endpoint that lists them, or null
     */
    public static ProblemException unknown(String kind, String value, String context,
                                           Collection<String> choices, String choicesUrl) {
        StringBuilder detail = new StringBuilder("unknown ").append(kind).append(' ').append(quote(value));
        if (context != null && !context.isBlank()) {
            detail.append(' ').append(context);
        }
        if (!choices.isEmpty()) {
            detail.append("; expected one of ").append(listForMessage(choices));
            if (choicesUrl != null) {
                detail.append(" (list them at ").append(choicesUrl).append(')');
            }
        } else if (choicesUrl != null) {
            detail.append("; list the valid ones at ").append(choicesUrl);
        }
        return new ProblemException(new Problem("about:blank", "Unknown " + kind, 404, detail.toString(), null,
                kind, value, List.copyOf(choices), choicesUrl));
    }

    /** The same problem with another status, e.g. 400 for an unknown value of a body field rather than a path. */
    public ProblemException withStatus(int status, String title) {
        Problem p = problem;
        return new ProblemException(new Problem(p.type(), title, status, p.detail(), p.instance(), p.parameter(),
                p.value(), p.choices(), p.choicesUrl()), getCause());
    }

    /**
     * 404 for a name that does not exist when the valid names are too many to list: names a few of them as
     * examples and points at the full list - "unknown layer 'conv9' for model 'm'; for example one of [a, b] (every
     * layer is listed at /url)".
     */
    public static ProblemException unknownAmong(String kind, String value, String context, Collection<String> examples,
                                                String listUrl) {
        StringBuilder detail = new StringBuilder("unknown ").append(kind).append(' ').append(quote(value));
        if (context != null && !context.isBlank()) {
            detail.append(' ').append(context);
        }
        detail.append("; for example one of ").append(listForMessage(examples))
                .append(" (every ").append(kind).append(" is listed at ").append(listUrl).append(')');
        return new ProblemException(new Problem("about:blank", "Unknown " + kind, 404, detail.toString(), null,
                kind, value, List.copyOf(examples), listUrl));
    }

    static String listForMessage(Collection<String> choices) {
        if (choices.size() <= CHOICES_IN_MESSAGE) {
            return "[" + String.join(", ", choices) + "]";
        }
        return choices.stream().limit(CHOICES_IN_MESSAGE).collect(Collectors.joining(", ", "[", ", …"))
                + " and " + (choices.size() - CHOICES_IN_MESSAGE) + " more]";
    }

    private static String quote(Object value) {
        return value == null ? "null" : "'" + value + "'";
    }
}
