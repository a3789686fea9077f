package org.convnetplayground.errors;

/** Another system answered, but wrongly: another service's failure, a remote file that could not be fetched. */
public non-sealed class UpstreamFailureException extends DomainException {

    public UpstreamFailureException(String title, String detail, Details details, Throwable cause) {
        super(title, detail, details, cause);
    }

    public UpstreamFailureException(String title, String detail) {
        this(title, detail, null, null);
    }

    /** With the general title "Bad gateway". */
    public static UpstreamFailureException of(String detail) {
        return new UpstreamFailureException("Bad gateway", detail);
    }
}
