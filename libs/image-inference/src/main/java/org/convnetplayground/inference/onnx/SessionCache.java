package org.convnetplayground.inference.onnx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.convnetplayground.errors.UnavailableException;
import org.jboss.logging.Logger;

/**
 * A small LRU cache of sessions (ONNX Runtime sessions in production; any {@link AutoCloseable}), ref-counted by the
 * {@link Lease}s handed out, with a shutdown that never closes a session while work runs in it: closing an
 * {@code OrtSession} under a running pass crashes the JVM inside ONNX Runtime.
 *
 * <ul>
 *   <li>A session is created once per key: concurrent callers of the same key wait for that one creation; a failed
 *   creation is forgotten and its failure thrown to each of them.</li>
 *   <li>Sessions beyond the capacity are closed, least recently used first, once no lease holds them.</li>
 *   <li>Work runs in a session only through {@link Lease#use}, which counts it. {@link #close()} refuses new leases
 *   and new work ({@link UnavailableException} naming the owner), waits (bounded) for creations and work still
 *   running, closes every session nothing runs in, and leaves a session still busy after the wait open with a
 *   warning: the last work to leave it closes it.</li>
 * </ul>
 *
 * <p>Thread-safe. One monitor guards the bookkeeping; creations and work run outside it.
 *
 * @param <K> what identifies a session
 * @param <S> the session
 */
public final class SessionCache<K, S extends AutoCloseable> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SessionCache.class);

    private final int capacity;
    private final Duration shutdownTimeout;
    private final String owner;
    private final String work;
    private final Object lock = new Object();
    /** In access order: the first entries are the least recently opened. Guarded by {@link #lock}. */
    private final LinkedHashMap<K, Entry<S>> entries = new LinkedHashMap<>(16, 0.75f, true);
    /** Guarded by {@link #lock}; read without it only as a fast refusal. */
    private volatile boolean closing;

    /**
     * @param capacity        how many sessions stay loaded when no lease holds them (at least 1)
     * @param shutdownTimeout how long {@link #close()} waits for creations and work still running
     * @param owner           who runs the cache, for the failure callers get once it closes ("the feature-service")
     * @param work            what runs in the sessions, for the shutdown log ("inference", "gradient graphs")
     */
    public SessionCache(int capacity, Duration shutdownTimeout, String owner, String work) {
        this.capacity = Math.max(1, capacity);
        this.shutdownTimeout = shutdownTimeout;
        this.owner = owner;
        this.work = work;
    }

    /** Work done with a session, which may throw its own checked exception. */
    @FunctionalInterface
    public interface Work<S, T, E extends Exception> {
        T run(S session) throws E;
    }

    /**
     * A lease on the session of {@code key}, created now if none is loaded; close the lease when done so the session
     * can be evicted.
     *
     * @param create makes the session; called only on a miss, outside any lock, by one caller of the key at a time
     * @throws UnavailableException once {@link #close()} has been called
     * @throws RuntimeException     what {@code create} threw, to each caller that waited for it
     */
    public Lease open(K key, Supplier<? extends S> create) {
        Entry<S> entry;
        boolean creator = false;
        synchronized (lock) {
            if (closing) {
                throw shuttingDown();
            }
            entry = entries.get(key);
            if (entry == null) {
                entry = new Entry<>();
                entries.put(key, entry);
                creator = true;
                // a creation is running work: shutdown waits for it as for a pass
                entry.active++;
            }
            entry.refs++;
        }
        if (creator) {
            create(key, entry, create);
        }
        S session;
        try {
            session = entry.session.get();
        } catch (ExecutionException e) {
            release(entry);
            Throwable cause = e.getCause();
            if (cause instanceof Error error) {
                throw error;
            }
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
        } catch (InterruptedException e) {
            release(entry);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a session to load", e);
        }
        return new Lease(entry, session);
    }

    private void create(K key, Entry<S> entry, Supplier<? extends S> create) {
        S made = null;
        Throwable failure = null;
        try {
            made = create.get();
            if (made == null) {
                failure = new IllegalStateException("no session was made for " + key);
            }
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        S orphan = null;
        synchronized (lock) {
            // completed under the lock, so that shutdown sees the entry busy or done, never in between
            if (failure != null) {
                entries.remove(key, entry);
                entry.session.completeExceptionally(failure);
            } else {
                entry.session.complete(made);
            }
            orphan = leave(entry);
        }
        closeQuietly(orphan);
        if (failure == null) {
            evictIdle();
        }
    }

    /**
     * Counts work out of {@code entry}; the session to close if shutdown has begun and this was the last work in it.
     * Caller holds {@link #lock}.
     */
    private S leave(Entry<S> entry) {
        entry.active--;
        S toClose = null;
        if (closing && entry.active == 0 && entry.loaded() && !entry.closed) {
            entry.closed = true;
            toClose = entry.session.join();
        }
        lock.notifyAll();
        return toClose;
    }

    private void release(Entry<S> entry) {
        synchronized (lock) {
            entry.refs--;
        }
        evictIdle();
    }

    /** Closes the least recently used sessions beyond the capacity that no lease holds. */
    private void evictIdle() {
        List<S> toClose = new ArrayList<>();
        synchronized (lock) {
            if (closing) {
                return;
            }
            Iterator<Map.Entry<K, Entry<S>>> it = entries.entrySet().iterator();
            int excess = entries.size() - capacity;
            while (excess > 0 && it.hasNext()) {
                Entry<S> e = it.next().getValue();
                // no lease means no work either: work runs only through a lease
                if (e.refs == 0 && e.loaded()) {
                    it.remove();
                    e.closed = true;
                    toClose.add(e.session.join());
                    excess--;
                }
            }
        }
        toClose.forEach(SessionCache::closeQuietly);
    }

    /** How many sessions are loaded or loading. */
    public int size() {
        synchronized (lock) {
            return entries.size();
        }
    }

    /**
     * Refuses new leases and work, waits (bounded) for creations and work still running, then closes every session
     * nothing runs in. A session still busy after the wait is left open (closing it would crash the JVM) and closed by
     * the last work leaving it. Later calls do nothing.
     */
    @Override
    public void close() {
        List<S> toClose = new ArrayList<>();
        int busy = 0;
        boolean interrupted = false;
        synchronized (lock) {
            if (closing) {
                return;
            }
            closing = true;
            long deadline = System.nanoTime() + shutdownTimeout.toNanos();
            while (busy() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
            for (Entry<S> e : entries.values()) {
                if (e.active > 0) {
                    busy++;
                } else if (e.loaded() && !e.closed) {
                    e.closed = true;
                    toClose.add(e.session.join());
                }
            }
            entries.clear();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        toClose.forEach(SessionCache::closeQuietly);
        // the words of InferenceEngine's messages before this class, which operators and ShutdownIT look for
        if (busy > 0) {
            LOG.warnf("shutting down: %s still running after %s; %d ONNX Runtime session%s left open until %s "
                            + "returns (closing under a running pass would crash the JVM); closed %d idle ONNX Runtime "
                            + "session%s", work, shutdownTimeout, busy, busy == 1 ? " is" : "s are",
                    busy == 1 ? "its work" : "their work", toClose.size(), toClose.size() == 1 ? "" : "s");
        } else {
            LOG.infof("shutting down: no %s running; closed %d ONNX Runtime session%s", work, toClose.size(),
                    toClose.size() == 1 ? "" : "s");
        }
    }

    /** Entries with a creation or work running. Caller holds {@link #lock}. */
    private int busy() {
        int n = 0;
        for (Entry<S> e : entries.values()) {
            if (e.active > 0) {
                n++;
            }
        }
        return n;
    }

    private UnavailableException shuttingDown() {
        return UnavailableException.of(owner + " is shutting down; try again once it is back");
    }

    private static void closeQuietly(AutoCloseable session) {
        if (session == null) {
            return;
        }
        try {
            session.close();
        } catch (Exception e) {
            LOG.warn("closing a session failed", e);
        }
    }

    /** One key's session and who uses it; the counts and flag are guarded by {@link #lock}. */
    private static final class Entry<S> {
        final CompletableFuture<S> session = new CompletableFuture<>();
        /** Leases not yet closed, including one held by a creation. */
        int refs;
        /** Creations and work running now. */
        int active;
        boolean closed;

        boolean loaded() {
            return session.isDone() && !session.isCompletedExceptionally();
        }
    }

    /** A hold on one session that keeps it loaded. Thread-safe; close once (later closes do nothing). */
    public final class Lease implements AutoCloseable {
        private final Entry<S> entry;
        private final S session;
        private boolean released;

        private Lease(Entry<S> entry, S session) {
            this.entry = entry;
            this.session = session;
        }

        /**
         * Runs {@code work} with the session; shutdown waits for it before closing the session. Never keep the session
         * beyond the call.
         *
         * @throws UnavailableException  once {@link SessionCache#close()} has been called
         * @throws IllegalStateException after this lease was closed
         */
        public <T, E extends Exception> T use(Work<? super S, T, E> work) throws E {
            synchronized (lock) {
                if (closing) {
                    throw shuttingDown();
                }
                if (released) {
                    throw new IllegalStateException("the lease on this session was closed");
                }
                entry.active++;
            }
            try {
                return work.run(session);
            } finally {
                S orphan;
                synchronized (lock) {
                    orphan = leave(entry);
                }
                closeQuietly(orphan);
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (released) {
                    return;
                }
                released = true;
            }
            release(entry);
        }
    }
}
