package org.convnetplayground.errors;

/** An upload, image, archive or answer larger than a configured limit; names the size and the limit. */
public non-sealed class TooLargeException extends DomainException {

    public TooLargeException(String title, String detail, Details details, Throwable cause) {
        super(title, detail, details, cause);
    }

    public TooLargeException(String title, String detail) {
        this(title, detail, null, null);
    }

    /** With the general title "Payload too large". */
    public static TooLargeException of(String detail) {
        return new TooLargeException("Payload too large", detail);
    }
}
