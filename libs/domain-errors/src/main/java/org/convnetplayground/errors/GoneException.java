package org.convnetplayground.errors;

/** Something that existed and has been removed for good (the vectors of a deleted job). */
public non-sealed class GoneException extends DomainException {

    public GoneException(String title, String detail, Details details, Throwable cause) {
        super(title, detail, details, cause);
    }

    public GoneException(String title, String detail) {
        this(title, detail, null, null);
    }

    /** With the general title "Gone". */
    public static GoneException of(String detail) {
        return new GoneException("Gone", detail);
    }
}
