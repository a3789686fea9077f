package org.convnetplayground.search.build;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.UnknownNameException;

/**
 * Values another service owns (a dataset's version, a model file's checksum), asked for at most once per key every
 * few seconds, so that queries stay fast and keep being answered while that service is down or slow.
 */
final class RecentLookups {

    static final Duration TTL = Duration.ofSeconds(3);

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();

    /**
     * The value of {@code key}, from {@code lookup} unless it was learnt in the last few seconds; null when the other
     * service cannot say now (that too is remembered for a few seconds).
     *
     * @param onGone run when the other service says the thing is unknown (it is gone); that failure is then rethrown
     */
    String get(String key, Supplier<String> lookup, Runnable onGone) {
        Seen s = seen.get(key);
        if (s != null && s.at().plus(TTL).isAfter(Instant.now())) {
            return s.value();
        }
        String value = null;
        try {
            value = lookup.get();
        } catch (UnknownNameException e) {
            seen.remove(key);
            onGone.run();
            throw e;
        } catch (DomainException e) {
            // the other service cannot say now: remembered as unknown for a few seconds
        }
        put(key, value);
        return value;
    }

    /** Takes {@code value} as just learnt. */
    void put(String key, String value) {
        seen.put(key, new Seen(value, Instant.now()));
    }

    /** The next {@link #get} asks again. */
    void forget(String key) {
        seen.remove(key);
    }

    private record Seen(String value, Instant at) {
    }
}
