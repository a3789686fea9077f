package org.convnetplayground.errors;

/** Content that arrived intact but is not what was promised (a checksum that does not match). */
public non-sealed class VerificationFailedException extends DomainException {

    public VerificationFailedException(String title, String detail, Details details, Throwable cause) {
        super(title, detail, details, cause);
    }

    public VerificationFailedException(String title, String detail) {
        this(title, detail, null, null);
    }

    /** With the general title "Verification failed". */
    public static VerificationFailedException of(String detail) {
        return new VerificationFailedException("Verification failed", detail);
    }
}
