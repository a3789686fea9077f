package org.convnetplayground.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RequestGuardTest {

    private static final RequestGuard OPEN = new RequestGuard(Optional.empty(), List.of());
    private static final RequestGuard LOCKED = new RequestGuard(Optional.of("s3cret"), List.of());

    private static Optional<RequestGuard.Refusal> check(RequestGuard guard, String method, String... headers) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i], headers[i + 1]);
        }
        return guard.check(method, h::get);
    }

    @Test
    void readsNeedNothing() {
        assertTrue(check(LOCKED, "GET", "Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site").isEmpty());
        assertTrue(check(LOCKED, "HEAD").isEmpty());
    }

    @Test
    void plainClientsWithoutBrowserHeadersMayWriteWhenNoTokenIsSet() {
        assertTrue(check(OPEN, "POST", "Host", "localhost:8082").isEmpty());
        assertTrue(check(OPEN, "DELETE").isEmpty());
    }

    @Test
    void theUisOwnPagesMayWrite() {
        assertTrue(check(OPEN, "POST", "Host", "localhost:8080", "Origin", "http://localhost:8080",
                "Sec-Fetch-Site", "same-origin").isEmpty());
        // behind the web UI's proxy: the service sees its own Host, and the browser's in X-Forwarded-Host
        assertTrue(check(OPEN, "POST", "Host", "localhost:8082", "X-Forwarded-Host", "localhost:8080",
                "Origin", "http://localhost:8080").isEmpty());
        assertTrue(check(OPEN, "POST", "Host", "photos.example.org", "Origin", "https://photos.example.org").isEmpty());
        assertTrue(check(OPEN, "POST", "Host", "[::1]:8080", "Origin", "http://[::1]:8080").isEmpty());
    }

    @Test
    void anotherSitesPagesMayNot() {
        RequestGuard.Refusal r = check(OPEN, "POST", "Host", "localhost:8080", "Origin", "http://evil.example").orElseThrow();
        assertEquals(403, r.status());
        assertEquals(RequestGuard.CROSS_SITE, r.type());
        assertTrue(r.detail().contains("'http://evil.example'"), r.detail());
        // another port of the same host is another origin
        assertEquals(403, check(OPEN, "DELETE", "Host", "localhost:8080", "Origin", "http://localhost:3000")
                .orElseThrow().status());
        assertEquals(403, check(OPEN, "POST", "Host", "localhost:8080", "Origin", "null").orElseThrow().status());
        // Sec-Fetch-Site alone decides when there is no Origin; same-site is not same-origin
        assertEquals(403, check(OPEN, "POST", "Host", "localhost:8080", "Sec-Fetch-Site", "same-site")
                .orElseThrow().status());
        assertEquals(403, check(OPEN, "PUT", "Sec-Fetch-Site", "cross-site").orElseThrow().status());
        assertTrue(check(OPEN, "POST", "Sec-Fetch-Site", "none").isEmpty(), "typed into the address bar");
    }

    @Test
    void configuredOriginsMay() {
        RequestGuard guard = new RequestGuard(Optional.empty(), List.of("https://ui.example.org/"));
        assertTrue(check(guard, "POST", "Host", "api.example.org", "Origin", "https://ui.example.org",
                "Sec-Fetch-Site", "same-site").isEmpty());
        assertEquals(403, check(guard, "POST", "Host", "api.example.org", "Origin", "https://other.example.org")
                .orElseThrow().status());
    }

    @Test
    void aSetTokenIsRequiredForWrites() {
        RequestGuard.Refusal missing = check(LOCKED, "POST").orElseThrow();
        assertEquals(401, missing.status());
        assertEquals(RequestGuard.TOKEN_REQUIRED, missing.type());
        assertTrue(missing.detail().contains("Authorization: Bearer"), missing.detail());
        assertEquals(401, check(LOCKED, "POST", "Authorization", "Bearer wrong").orElseThrow().status());
        assertEquals(401, check(LOCKED, "POST", "Authorization", "Basic czNjcmV0").orElseThrow().status());
        assertTrue(check(LOCKED, "POST", "Authorization", "Bearer s3cret").isEmpty());
        assertTrue(check(LOCKED, "DELETE", "Authorization", "bearer s3cret").isEmpty());
        // the token does not make a cross-site write acceptable
        assertEquals(403, check(LOCKED, "POST", "Authorization", "Bearer s3cret", "Origin", "http://evil.example",
                "Host", "localhost:8080").orElseThrow().status());
    }

    @Test
    void theTwoChecksApartAsTheFilterRunsThem() {
        // a query (a POST that changes nothing) skips the token check but not the site check
        assertTrue(LOCKED.crossSite("POST", h -> null).isEmpty());
        assertEquals(401, LOCKED.token("POST", h -> null).orElseThrow().status());
        assertTrue(LOCKED.token("GET", h -> null).isEmpty());
        assertTrue(OPEN.token("POST", h -> null).isEmpty());
        assertEquals(403, OPEN.crossSite("POST", h -> h.equals("Sec-Fetch-Site") ? "cross-site" : null)
                .orElseThrow().status());
    }

    @Test
    void aBlankTokenMeansNone() {
        RequestGuard blank = new RequestGuard(Optional.of("  "), List.of());
        assertTrue(check(blank, "POST").isEmpty());
    }
}
