package org.convnetplayground.errors;

import java.util.Collection;
import java.util.List;

/** A name that does not exist: a model, layer, dataset, image, job. Says which names do. */
public non-sealed class UnknownNameException extends DomainException {

    public UnknownNameException(String title, String detail, Details details) {
        super(title, detail, details, null);
    }

    /** Something looked up that is not there, explained in {@code detail} ("no job 'x'; jobs are kept ..."). */
    public static UnknownNameException notFound(String detail) {
        return new UnknownNameException("Not found", detail, null);
    }

    /**
     * "unknown layer 'conv9' for model 'mobilenet_v2_1.0_224'; expected one of [a, b, c] (list them at /url)".
     *
     * @param kind       what was looked up ("layer", "dataset")
     * @param value      the name the client sent
     * @param context    where it was looked up, or null ("for model 'x'")
     * @param choices    the valid names
     * @param choicesUrl the endpoint that lists them, or null
     */
    public static UnknownNameException unknown(String kind, String value, String context, Collection<String> choices,
                                               String choicesUrl) {
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
        return new UnknownNameException("Unknown " + kind, detail.toString(),
                new Details(kind, value, List.copyOf(choices), choicesUrl));
    }

    /**
     * For names too many to list: a few examples and the full list's address - "unknown layer 'conv9' for model
     * 'm'; for example one of [a, b] (every layer is listed at /url)".
     */
    public static UnknownNameException unknownAmong(String kind, String value, String context,
                                                    Collection<String> examples, String listUrl) {
        StringBuilder detail = new StringBuilder("unknown ").append(kind).append(' ').append(quote(value));
        if (context != null && !context.isBlank()) {
            detail.append(' ').append(context);
        }
        detail.append("; for example one of ").append(listForMessage(examples))
                .append(" (every ").append(kind).append(" is listed at ").append(listUrl).append(')');
        return new UnknownNameException("Unknown " + kind, detail.toString(),
                new Details(kind, value, List.copyOf(examples), listUrl));
    }

    /**
     * The same message as a wrong value of a request field rather than a missing resource (an unknown metric in a
     * query body is the client's mistake about that field, not a resource that is absent).
     */
    public InvalidInputException asInvalidField() {
        return new InvalidInputException(title(), detail(),
                new Details(parameter(), value(), choices(), choicesUrl()), this);
    }
}
