package org.convnetplayground.errors;

/** This service failed at something it should have managed (a model that does not run, a missing file of its own). */
public non-sealed class InternalFailureException extends DomainException {

    public InternalFailureException(String title, String detail, Details details, Throwable cause) {
        super(title, detail, details, cause);
    }

    public InternalFailureException(String title, String detail) {
        this(title, detail, null, null);
    }

    /** With the general title "Internal error". */
    public static InternalFailureException of(String detail) {
        return new InternalFailureException("Internal error", detail);
    }
}
