package org.convnetplayground.catalog.download;

import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.UpstreamFailureException;

/** A remote file that could not be fetched: the server failed, answered wrongly or went silent. */
public class DownloadFailedException extends UpstreamFailureException {

    /**
     * @param url    the URL that failed, named as the request's {@code url} field, or null
     * @param detail what went wrong
     */
    public DownloadFailedException(String url, String detail) {
        super("Download failed", detail, url == null ? null : DomainException.Details.of("url", url), null);
    }
}
