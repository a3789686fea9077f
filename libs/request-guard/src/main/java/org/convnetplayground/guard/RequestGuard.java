package org.convnetplayground.guard;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides whether a request may go on: reads never need anything; any other request is refused when it comes from a
 * web page of another site (cross-site request forgery: by {@code Sec-Fetch-Site}, else by {@code Origin} against the
 * host the request was sent to), and one that changes data, when a token is configured, when it lacks that token.
 * Plain HTTP clients (curl, the services themselves) send neither browser header and pass the site check.
 */
public final class RequestGuard {

    /** Problem type of a missing or wrong token; the web UI asks for the token when it sees it. */
    public static final String TOKEN_REQUIRED = "https://convnet-playground/problems/token-required";
    /** Problem type of a write from another site. */
    public static final String CROSS_SITE = "https://convnet-playground/problems/cross-site-request";

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private final byte[] token;
    private final List<String> allowedOrigins;

    public RequestGuard(Optional<String> token, List<String> allowedOrigins) {
        this.token = token.map(String::trim).filter(t -> !t.isEmpty()).map(t -> t.getBytes(StandardCharsets.UTF_8))
                .orElse(null);
        this.allowedOrigins = allowedOrigins.stream().map(RequestGuard::normaliseOrigin).toList();
    }

    public boolean tokenRequired() {
        return token != null;
    }

    /** Why the request is refused. */
    public record Refusal(int status, String type, String title, String detail) {
    }

    /**
     * Both checks of a request, for a resource that changes state.
     *
     * @param method  the request method
     * @param headers the request's headers by (case-insensitive) name
     * @return why the request is refused, or empty when it may go on
     */
    public Optional<Refusal> check(String method, Function<String, String> headers) {
        Optional<Refusal> site = crossSite(method, headers);
        return site.isPresent() ? site : token(method, headers);
    }

    /** Refuses a write (anything but GET, HEAD, OPTIONS) sent by a page of another site. */
    public Optional<Refusal> crossSite(String method, Function<String, String> headers) {
        if (READS.contains(method.toUpperCase(Locale.ROOT))) {
            return Optional.empty();
        }
        String origin = headers.apply("Origin");
        String site = headers.apply("Sec-Fetch-Site");
        if (!fromThisSite(origin, site, host(headers)) && !allowedOrigins.contains(normaliseOrigin(origin))) {
            String from = origin != null ? "origin '" + origin + "'" : "another site (Sec-Fetch-Site: " + site + ")";
            return Optional.of(new Refusal(403, CROSS_SITE, "Cross-site request refused", method + " requests from "
                    + from + " are refused: only the web UI's own pages may change data"
                    + " (allow other origins with CNP_API_ALLOWED_ORIGINS)"));
        }
        return Optional.empty();
    }

    /** Refuses a write without the configured token (none needed when no token is configured). */
    public Optional<Refusal> token(String method, Function<String, String> headers) {
        if (token == null || READS.contains(method.toUpperCase(Locale.ROOT))) {
            return Optional.empty();
        }
        String auth = headers.apply("Authorization");
        if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(new Refusal(401, TOKEN_REQUIRED, "Token required", "this server requires an access"
                    + " token for " + method + " requests that change data: send 'Authorization: Bearer <token>' (the"
                    + " token is the CNP_API_TOKEN the services were started with)"));
        }
        byte[] sent = auth.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(sent, token)) {
            return Optional.of(new Refusal(401, TOKEN_REQUIRED, "Token required", "the access token sent is not"
                    + " the one this server was started with (CNP_API_TOKEN); check it and try again"));
        }
        return Optional.empty();
    }

    private static boolean fromThisSite(String origin, String site, String host) {
        if (site != null) {
            String s = site.trim().toLowerCase(Locale.ROOT);
            // same-site is not enough: another port of localhost is the same site
            if (!s.equals("same-origin") && !s.equals("none")) {
                return false;
            }
        }
        if (origin == null) {
            return true;
        }
        if (host == null) {
            return false;
        }
        try {
            URI o = URI.create(origin.trim());
            if (o.getHost() == null) {
                return false; // "null" (sandboxed pages, files) and other opaque origins
            }
            int port = o.getPort() != -1 ? o.getPort() : "https".equalsIgnoreCase(o.getScheme()) ? 443 : 80;
            return sameAuthority(o.getHost(), port, host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The host the browser sent the request to: the proxy's forwarded host, else Host. */
    private static String host(Function<String, String> headers) {
        String forwarded = headers.apply("X-Forwarded-Host");
        if (forwarded != null && !forwarded.isBlank()) {
            return forwarded.split(",")[0].trim();
        }
        return headers.apply("Host");
    }

    private static boolean sameAuthority(String originHost, int originPort, String hostHeader) {
        String h = hostHeader.trim().toLowerCase(Locale.ROOT);
        String name;
        int port;
        int colon = h.lastIndexOf(':');
        if (h.startsWith("[")) { // IPv6 literal
            int close = h.indexOf(']');
            name = h.substring(1, close);
            port = close + 1 < h.length() && h.charAt(close + 1) == ':' ? parsePort(h.substring(close + 2)) : -1;
        } else if (colon >= 0) {
            name = h.substring(0, colon);
            port = parsePort(h.substring(colon + 1));
        } else {
            name = h;
            port = -1;
        }
        String o = originHost.toLowerCase(Locale.ROOT);
        if (o.startsWith("[") && o.endsWith("]")) {
            o = o.substring(1, o.length() - 1);
        }
        return o.equals(name) && (port == -1 ? originPort == 80 || originPort == 443 : port == originPort);
    }

    private static int parsePort(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -2;
        }
    }

    private static String normaliseOrigin(String origin) {
        if (origin == null) {
            return "";
        }
        String o = origin.trim().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
