package org.convnetplayground.errors;

/** A request this service refuses to carry out whoever asks (a cross-site request, an address not allowed). */
public non-sealed class ForbiddenException extends DomainException {

    public ForbiddenException(String title, String detail, Details details, Throwable cause) {
        super(title, detail, details, cause);
    }

    public ForbiddenException(String title, String detail) {
        this(title, detail, null, null);
    }

    /** With the general title "Forbidden". */
    public static ForbiddenException of(String detail) {
        return new ForbiddenException("Forbidden", detail);
    }
}
