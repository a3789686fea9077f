package org.convnetplayground.catalog.download;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpStatus;
import org.apache.hc.core5.util.Timeout;

/**
 * Asks remote servers for a file, one download at a time, so that a URL cannot lead the catalog anywhere the
 * {@link AddressPolicy} forbids: redirects are followed here, not by the HTTP library, and before each request the
 * URL's host is resolved once and every address checked; the connection then goes to exactly those addresses (the
 * library's name lookups are answered from them, never from DNS again), so a name that resolves differently the
 * second time (DNS rebinding) cannot reach another address. No proxy, cookie, retry or decompression is used: the
 * bytes are the file's, as its checksum expects.
 */
final class RemoteFileClient implements AutoCloseable {

    private final AddressPolicy policy;
    private final int maxRedirects;
    /** The checked addresses of each host asked for in this download; the library looks names up here only. */
    private final Map<String, InetAddress[]> checked = new ConcurrentHashMap<>();
    private final CloseableHttpClient http;

    RemoteFileClient(AddressPolicy policy, Duration connectTimeout, Duration readTimeout, int maxRedirects) {
        this.policy = policy;
        this.maxRedirects = maxRedirects;
        DnsResolver pinned = new DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                InetAddress[] addresses = checked.get(AddressPolicy.normalHost(host));
                if (addresses == null) {
                    throw new UnknownHostException(host + " has not been checked");
                }
                return addresses;
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(pinned)
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(connectTimeout))
                                .setSocketTimeout(Timeout.of(readTimeout))
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.of(readTimeout)).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableContentCompression()
                .disableCookieManagement()
                .disableAuthCaching()
                .setUserAgent("convnet-playground-model-catalog")
                .build();
    }

    /**
     * GET {@code uri} with {@code headers}, following redirects (each checked like the first URL).
     *
     * @return the first answer that is not a redirect; the caller closes it
     * @throws AddressNotAllowedException when the URL or a redirect leads to an address not allowed
     * @throws UnusableUrlException       when the redirects go wrong (too many, to another scheme, no Location) or a
     *                                    host is not a valid host name
     * @throws IOException                when a host does not resolve, or no connection or answer comes
     */
    Answer get(URI uri, Map<String, String> headers) throws IOException {
        URI current = uri;
        for (int hop = 0; ; hop++) {
            check(current);
            HttpGet request = new HttpGet(current);
            headers.forEach(request::setHeader);
            ClassicHttpResponse response = http.executeOpen(null, request, null);
            int status = response.getCode();
            if (!isRedirect(status)) {
                return new Answer(request, response);
            }
            Header location = response.getFirstHeader("Location");
            request.cancel();
            response.close();
            if (hop >= maxRedirects) {
                throw new UnusableUrlException("it redirects more than " + maxRedirects + " times");
            }
            current = next(current, location);
        }
    }

    /** Resolves the URL's host, checks every address, and keeps them as the only ones the connection may use. */
    private void check(URI uri) throws UnknownHostException {
        List<InetAddress> addresses = policy.addressesOf(uri);
        if (uri.getHost() == null) {
            // a name java.net.URI does not take for a host name (e.g. with '_'): the HTTP library could not ask it
            throw new UnusableUrlException("its host is not a valid host name");
        }
        checked.put(AddressPolicy.hostOf(uri), addresses.toArray(new InetAddress[0]));
    }

    private static boolean isRedirect(int status) {
        return status == HttpStatus.SC_MOVED_PERMANENTLY || status == HttpStatus.SC_MOVED_TEMPORARILY
                || status == HttpStatus.SC_SEE_OTHER || status == HttpStatus.SC_TEMPORARY_REDIRECT
                || status == HttpStatus.SC_PERMANENT_REDIRECT;
    }

    private static URI next(URI from, Header location) {
        if (location == null || location.getValue().isBlank()) {
            throw new UnusableUrlException("it redirects without saying where to (no Location)");
        }
        URI to;
        try {
            to = from.resolve(new URI(location.getValue().strip()));
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new UnusableUrlException("it redirects to a malformed URL");
        }
        String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new UnusableUrlException("it redirects to a URL that is not http or https");
        }
        if (from.getScheme().equalsIgnoreCase("https") && scheme.equals("http")) {
            throw new UnusableUrlException("it redirects from https to plain http");
        }
        return to;
    }

    @Override
    public void close() throws IOException {
        http.close();
    }

    /** A URL the download does not follow: a bad redirect, or a host that HTTP cannot name. */
    static final class UnusableUrlException extends RuntimeException {
        UnusableUrlException(String why) {
            super(why, null, false, false);
        }
    }

    /** A server's answer; its body is read at most once. {@link #abort()} drops the connection from any thread. */
    static final class Answer implements AutoCloseable {

        private final HttpGet request;
        private final ClassicHttpResponse response;

        private Answer(HttpGet request, ClassicHttpResponse response) {
            this.request = request;
            this.response = response;
        }

        int status() {
            return response.getCode();
        }

        Optional<String> header(String name) {
            Header h = response.getFirstHeader(name);
            return h == null ? Optional.empty() : Optional.of(h.getValue());
        }

        /** The declared Content-Length, or -1. */
        long contentLength() {
            HttpEntity entity = response.getEntity();
            return entity == null ? -1 : entity.getContentLength();
        }

        InputStream body() throws IOException {
            HttpEntity entity = response.getEntity();
            return entity == null ? InputStream.nullInputStream() : entity.getContent();
        }

        /** Drops the connection at once (closing the body instead would read the rest of it first). */
        void abort() {
            request.cancel();
        }

        @Override
        public void close() throws IOException {
            // an unread or partly read body is not drained: the connection is dropped
            request.cancel();
            response.close();
        }
    }
}
