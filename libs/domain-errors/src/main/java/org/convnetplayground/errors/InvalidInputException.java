package org.convnetplayground.errors;

/** The request itself is wrong: a value out of its range, a missing part, an unreadable upload. */
public non-sealed class InvalidInputException extends DomainException {

    public InvalidInputException(String title, String detail, Details details, Throwable cause) {
        super(title, detail, details, cause);
    }

    public InvalidInputException(String title, String detail, Details details) {
        this(title, detail, details, null);
    }

    /** A request that cannot be served as asked, explained in {@code detail}. */
    public static InvalidInputException of(String detail) {
        return new InvalidInputException("Bad request", detail, null);
    }

    /** "invalid k: '0'; expected an integer from 1 to 1000". */
    public static InvalidInputException invalid(String parameter, Object value, String expected) {
        String detail = "invalid " + parameter + ": " + quote(value) + "; expected " + expected;
        return new InvalidInputException("Invalid parameter", detail, Details.of(parameter, value));
    }

    /** "missing model; expected a model id (list them at ...)". */
    public static InvalidInputException missing(String parameter, String expected) {
        return new InvalidInputException("Missing parameter", "missing " + parameter + "; expected " + expected,
                Details.of(parameter, null));
    }
}
