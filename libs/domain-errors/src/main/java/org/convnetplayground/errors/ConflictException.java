package org.convnetplayground.errors;

/** The request clashes with the state of things: a name taken, a read-only item, work still running. */
public non-sealed class ConflictException extends DomainException {

    public ConflictException(String title, String detail, Details details, Throwable cause) {
        super(title, detail, details, cause);
    }

    public ConflictException(String title, String detail) {
        this(title, detail, null, null);
    }

    /** With the general title "Conflict". */
    public static ConflictException of(String detail) {
        return new ConflictException("Conflict", detail);
    }
}
