package org.convnetplayground.errors;

import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A failure a client should hear about, told in words that name the bad value and the valid choices. Domain code
 * throws one of the subclasses (each says what sort of failure it is); knowing nothing of HTTP, it leaves the status
 * code to the service's {@code rest/} package, which maps every subclass once.
 */
public abstract sealed class DomainException extends RuntimeException
        permits InvalidInputException, UnknownNameException, ConflictException, GoneException, TooLargeException,
        VerificationFailedException, UpstreamFailureException, UnavailableException, InternalFailureException,
        ForbiddenException {

    /** Choices beyond this many are elided from the human message (the full list stays in {@link #choices()}). */
    private static final int CHOICES_IN_MESSAGE = 40;
    /**
     * A value a client sent is echoed with at most this many characters: a 1 MB query id must not come back in the
     * problem's detail and again in its value.
     */
    static final int ECHO_CHARACTERS = 200;

    private final String title;
    private final Details details;

    protected DomainException(String title, String detail, Details details, Throwable cause) {
        super(detail, cause);
        this.title = title;
        this.details = details == null ? Details.NONE : details;
    }

    /** A short summary of the sort of failure ("Unknown layer", "Image too large"). */
    public String title() {
        return title;
    }

    /** What went wrong, for a person: names the bad value and, where there are some, the valid choices. */
    public String detail() {
        return getMessage();
    }

    /** The request parameter that was wrong, or null. */
    public String parameter() {
        return details.parameter();
    }

    /** The rejected value, or null. */
    public String value() {
        return details.value();
    }

    /** The valid values when they can be listed, or null. */
    public List<String> choices() {
        return details.choices();
    }

    /** Where the full list of valid values is, or null. */
    public String choicesUrl() {
        return details.choicesUrl();
    }

    /**
     * What a program can read besides the message.
     *
     * @param parameter  the parameter that was wrong
     * @param value      the value it had
     * @param choices    the valid values
     * @param choicesUrl where they are listed
     */
    public record Details(String parameter, String value, List<String> choices, String choicesUrl) {
        public static final Details NONE = new Details(null, null, null, null);

        /** The value is shortened as {@link #echo} does. */
        public Details {
            value = echo(value);
        }

        public static Details of(String parameter, Object value) {
            return new Details(parameter, value == null ? null : String.valueOf(value), null, null);
        }
    }

    static String listForMessage(Collection<String> choices) {
        if (choices.size() <= CHOICES_IN_MESSAGE) {
            return "[" + String.join(", ", choices) + "]";
        }
        return choices.stream().limit(CHOICES_IN_MESSAGE).collect(Collectors.joining(", ", "[", ", …"))
                + " and " + (choices.size() - CHOICES_IN_MESSAGE) + " more]";
    }

    static String quote(Object value) {
        return value == null ? "null" : "'" + echo(String.valueOf(value)) + "'";
    }

    /**
     * A value as it may be echoed back: unchanged up to {@value #ECHO_CHARACTERS} characters (and a little more, so
     * that shortening twice changes nothing), else its first {@value #ECHO_CHARACTERS} and how long it was -
     * "abc…… (1048576 characters)".
     */
    public static String echo(String value) {
        if (value == null || value.length() <= ECHO_CHARACTERS + 40) {
            return value;
        }
        int cut = ECHO_CHARACTERS;
        if (Character.isHighSurrogate(value.charAt(cut - 1))) {
            cut--;
        }
        return value.substring(0, cut) + "… (" + value.length() + " characters)";
    }
}
