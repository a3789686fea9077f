package org.convnetplayground.errors;

/** A resource this service needs is unavailable for now: another service, the disk, a pool shut down. Worth retrying later. */
public non-sealed class UnavailableException extends DomainException {

    public UnavailableException(String title, String detail, Details details, Throwable cause) {
        super(title, detail, details, cause);
    }

    public UnavailableException(String title, String detail) {
        this(title, detail, null, null);
    }

    /** With the general title "Service unavailable". */
    public static UnavailableException of(String detail) {
        return new UnavailableException("Service unavailable", detail);
    }
}
