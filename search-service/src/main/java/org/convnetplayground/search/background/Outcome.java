package org.convnetplayground.search.background;

import java.util.function.Function;
import org.convnetplayground.jobs.Job;

/**
 * The answer to a request for something that may take a while: the value itself, or the job to wait for (the value
 * being computed, or a collection it needs being built). Clients poll the job and repeat the request once it has
 * succeeded.
 *
 * @param <V> the value
 */
public sealed interface Outcome<V> {

    /** The value, at hand. */
    record Ready<V>(V value) implements Outcome<V> {
    }

    /** Not yet: {@code job} computes the value or builds what it needs. */
    record Pending<V>(Job<?> job) implements Outcome<V> {
    }

    static <V> Outcome<V> ready(V value) {
        return new Ready<>(value);
    }

    static <V> Outcome<V> pending(Job<?> job) {
        return new Pending<>(job);
    }

    /** The same outcome with the value turned into another (a pending one stays pending). */
    default <W> Outcome<W> map(Function<? super V, ? extends W> f) {
        if (this instanceof Ready<V> r) {
            return new Ready<>(f.apply(r.value()));
        }
        return new Pending<>(((Pending<V>) this).job());
    }
}
