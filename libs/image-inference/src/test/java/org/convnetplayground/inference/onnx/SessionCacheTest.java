package org.convnetplayground.inference.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.convnetplayground.errors.UnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The session cache's rules, with a resource that records its closing (so the rules are checked exactly), and once
 * with a real ONNX Runtime session: created once per key, idle sessions beyond the capacity closed and held ones never,
 * shutdown that waits for running work and never closes a session under it, and refusal after shutdown.
 */
class SessionCacheTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String REFUSAL = "the test host is shutting down; try again once it is back";

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicInteger creations = new AtomicInteger();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    /** A session stand-in that records whether, and how often, it was closed. */
    static final class Resource implements AutoCloseable {
        final String key;
        final AtomicInteger closes = new AtomicInteger();

        Resource(String key) {
            this.key = key;
        }

        boolean closed() {
            return closes.get() > 0;
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    private static SessionCache<String, Resource> cache(int capacity, Duration shutdownTimeout) {
        return new SessionCache<>(capacity, shutdownTimeout, "the test host", "test work");
    }

    private SessionCache<String, Resource>.Lease open(SessionCache<String, Resource> cache, String key,
                                                      Map<String, Resource> made) {
        return cache.open(key, () -> {
            creations.incrementAndGet();
            Resource r = new Resource(key);
            made.put(key, r);
            return r;
        });
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            // a short pause between polls, not a wait for the condition: the cores are shared
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** Whether {@code t} is parked inside the cache's {@code method} (not on its way there). */
    private static boolean waitingIn(Thread t, String method) {
        Thread.State s = t.getState();
        if (s != Thread.State.WAITING && s != Thread.State.TIMED_WAITING) {
            return false;
        }
        for (StackTraceElement f : t.getStackTrace()) {
            if (f.getClassName().equals(SessionCache.class.getName()) && f.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    /** Starts {@code work} in a thread of its own and hands back the thread, for its state, and its outcome. */
    private <T> Future<T> start(Callable<T> work, AtomicReference<Thread> thread) {
        return threads.submit(() -> {
            thread.set(Thread.currentThread());
            return work.call();
        });
    }

    /** Work running in a session in a thread of its own until told to finish. */
    private final class BusyWork {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        /** Whether the session was still open at the very end of the work (not closed underneath). */
        final Future<Boolean> result;

        BusyWork(SessionCache<String, Resource>.Lease lease) throws InterruptedException {
            result = threads.submit(() -> lease.use(r -> {
                inside.countDown();
                assertTrue(release.await(WAIT.toSeconds(), TimeUnit.SECONDS));
                return !r.closed();
            }));
            assertTrue(inside.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the work did not start");
        }

        /** Lets the work end; whether the session was open until then. */
        boolean finish() throws Exception {
            release.countDown();
            return result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
    }

    @Test
    void closeWaitsForWorkRunningInASessionAndClosesItOnlyAfterwards() throws Exception {
        SessionCache<String, Resource> cache = cache(4, WAIT.multipliedBy(3));
        Map<String, Resource> made = new ConcurrentHashMap<>();
        SessionCache<String, Resource>.Lease lease = open(cache, "busy", made);
        Resource busy = made.get("busy");
        BusyWork work = new BusyWork(lease);

        AtomicReference<Thread> closer = new AtomicReference<>();
        Future<?> closing = start(() -> {
            cache.close();
            return null;
        }, closer);
        // close() has begun (new work is refused) and is waiting, not returning
        await(() -> {
            try {
                open(cache, "other", made).close();
                return false;
            } catch (UnavailableException refused) {
                return true;
            }
        }, "close() refuses new leases");
        await(() -> closer.get() != null && waitingIn(closer.get(), "close"), "close() waits for the work");
        assertFalse(closing.isDone(), "close() returned while work was running");
        assertFalse(busy.closed(), "the session was closed under running work");

        assertTrue(work.finish(), "the session was closed before the work ended");
        closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(1, busy.closes.get(), "closed exactly once, after the work");
        int before = creations.get();
        assertThrows(UnavailableException.class, () -> open(cache, "another", made));
        assertEquals(before, creations.get(), "a session was created after close()");
        lease.close();
        assertEquals(1, busy.closes.get());
    }

    @Test
    void closeGivesUpAfterItsTimeoutLeavingTheBusySessionOpenUntilItsWorkReturns() throws Exception {
        SessionCache<String, Resource> cache = cache(4, Duration.ofMillis(200));
        Map<String, Resource> made = new ConcurrentHashMap<>();
        open(cache, "idle", made).close();
        SessionCache<String, Resource>.Lease lease = open(cache, "busy", made);
        BusyWork work = new BusyWork(lease);

        cache.close(); // returns after its timeout although the work still runs
        assertFalse(work.result.isDone());
        assertFalse(made.get("busy").closed(), "a busy session was closed");
        assertEquals(1, made.get("idle").closes.get(), "the idle session was not closed");
        assertThrows(UnavailableException.class, () -> lease.use(r -> r));

        assertTrue(work.finish(), "the session was closed before the work ended");
        // the work leaving it was the last use: the session is closed then, not left for the end of the process
        await(() -> made.get("busy").closed(), "the busy session is closed once its work returned");
        lease.close();
        assertEquals(1, made.get("busy").closes.get());
        assertEquals(1, made.get("idle").closes.get());
    }

    @Test
    void afterCloseNewLeasesAndWorkAreRefusedWithAClearMessage() {
        SessionCache<String, Resource> cache = cache(4, WAIT);
        Map<String, Resource> made = new ConcurrentHashMap<>();
        SessionCache<String, Resource>.Lease held = open(cache, "held", made);
        assertEquals("held", held.use(r -> r.key));

        cache.close();
        // a held lease with no work running does not hold up shutdown: its session is closed, its next use refused
        assertEquals(1, made.get("held").closes.get());
        UnavailableException work = assertThrows(UnavailableException.class, () -> held.use(r -> r.key));
        assertEquals(REFUSAL, work.getMessage());
        UnavailableException lease = assertThrows(UnavailableException.class, () -> open(cache, "new", made));
        assertEquals(REFUSAL, lease.getMessage());
        assertEquals(1, creations.get(), "a session was created after close()");
        held.close();
        cache.close(); // a second close does nothing
        assertEquals(1, made.get("held").closes.get());
    }

    @Test
    void evictionClosesOnlyIdleSessionsBeyondTheCapacityLeastRecentlyUsedFirst() {
        SessionCache<String, Resource> cache = cache(2, WAIT);
        Map<String, Resource> made = new ConcurrentHashMap<>();
        open(cache, "a", made).close();
        open(cache, "b", made).close();
        assertEquals(2, cache.size());
        // a is used again (the same session, not a new one), so b is now the least recently used
        SessionCache<String, Resource>.Lease again = open(cache, "a", made);
        assertEquals("a", again.use(r -> r.key));
        again.close();
        assertEquals(2, creations.get());

        SessionCache<String, Resource>.Lease c = open(cache, "c", made);
        assertEquals(1, made.get("b").closes.get(), "the least recently used idle session was not evicted");
        assertFalse(made.get("a").closed());
        assertEquals(2, cache.size());

        // beyond the capacity with every session held: nothing is closed
        SessionCache<String, Resource>.Lease a = open(cache, "a", made);
        SessionCache<String, Resource>.Lease d = open(cache, "d", made);
        assertEquals(3, cache.size());
        assertFalse(made.get("a").closed() || made.get("c").closed() || made.get("d").closed(),
                "a held session was closed");

        // released, d is the one idle session beyond the capacity; c (least recently used) is held and stays
        d.close();
        assertEquals(1, made.get("d").closes.get());
        assertFalse(made.get("c").closed(), "a held session was evicted");
        assertFalse(made.get("a").closed(), "a held session was evicted");
        assertEquals(2, cache.size());

        // within the capacity again: releasing closes nothing
        a.close();
        c.close();
        assertFalse(made.get("a").closed() || made.get("c").closed());
        assertEquals(4, creations.get());
        cache.close();
        assertEquals(1, made.get("a").closes.get());
        assertEquals(1, made.get("c").closes.get());
        made.values().forEach(r -> assertEquals(1, r.closes.get(), r.key + " closed " + r.closes + " times"));
    }

    /**
     * Starts {@code callers} threads that call {@code call} together and returns once every one is parked in
     * {@link SessionCache#open} with a creation begun: one creating, the others waiting for it.
     */
    private <T> List<Future<T>> parkedInOpen(int callers, Callable<T> call) {
        CyclicBarrier go = new CyclicBarrier(callers);
        List<Thread> callerThreads = new CopyOnWriteArrayList<>();
        List<Future<T>> results = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            results.add(threads.submit(() -> {
                callerThreads.add(Thread.currentThread());
                go.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                return call.call();
            }));
        }
        await(() -> callerThreads.size() == callers && callerThreads.stream().allMatch(t -> waitingIn(t, "open"))
                && creations.get() >= 1, "all callers wait");
        return results;
    }

    /** A creation that is counted, then waits for {@code gate} before it makes its session. */
    private Supplier<Resource> gated(CountDownLatch gate, Supplier<Resource> make) {
        return () -> {
            creations.incrementAndGet();
            try {
                assertTrue(gate.await(WAIT.toSeconds(), TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return make.get();
        };
    }

    @Test
    void concurrentCallersOfOneKeyWaitForOneCreation() throws Exception {
        SessionCache<String, Resource> cache = cache(4, WAIT);
        CountDownLatch created = new CountDownLatch(1);
        Supplier<Resource> create = gated(created, () -> new Resource("k"));
        List<Future<Resource>> results = parkedInOpen(6, () -> {
            try (SessionCache<String, Resource>.Lease lease = cache.open("k", create)) {
                return lease.use(r -> r);
            }
        });
        assertEquals(1, creations.get(), "each caller created its own session");
        created.countDown();
        Resource first = results.get(0).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        for (Future<Resource> r : results) {
            assertSame(first, r.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        assertEquals(1, creations.get());
        assertFalse(first.closed());
        cache.close();
        assertEquals(1, first.closes.get());
    }

    @Test
    void aFailedCreationIsThrownToEveryWaiterAndForgotten() throws Exception {
        SessionCache<String, Resource> cache = cache(4, WAIT);
        CountDownLatch fail = new CountDownLatch(1);
        IllegalArgumentException failure = new IllegalArgumentException("cannot load k");
        Supplier<Resource> create = gated(fail, () -> {
            throw failure;
        });
        List<Future<Throwable>> results = parkedInOpen(4, () -> {
            try {
                cache.open("k", create).close();
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        });
        fail.countDown();
        for (Future<Throwable> r : results) {
            assertSame(failure, r.get(WAIT.toSeconds(), TimeUnit.SECONDS));
        }
        assertEquals(1, creations.get());
        assertEquals(0, cache.size(), "the failed creation was kept");

        Map<String, Resource> made = new ConcurrentHashMap<>();
        try (SessionCache<String, Resource>.Lease lease = open(cache, "k", made)) {
            assertEquals("k", lease.use(r -> r.key));
        }
        assertEquals(2, creations.get(), "the next caller did not try again");
        cache.close();
    }

    @Test
    void aRealOnnxRuntimeSessionIsClosedOnlyAfterThePassRunningInIt() throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        SessionCache<String, OrtSession> cache = new SessionCache<>(6, WAIT.multipliedBy(3), "the test host",
                "inference");
        AtomicReference<OrtSession> created = new AtomicReference<>();
        SessionCache<String, OrtSession>.Lease lease = cache.open("probe", () -> {
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                created.set(env.createSession(ProbeModel.BYTES, options));
                return created.get();
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        });
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Future<float[]> pass = threads.submit(() -> lease.use(session -> {
            inside.countDown();
            assertTrue(finish.await(WAIT.toSeconds(), TimeUnit.SECONDS));
            // the session must still run here: closed underneath, ONNX Runtime would fail (or crash the JVM)
            try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[] {-1.5f, 2.5f}),
                    new long[] {2});
                 OrtSession.Result y = session.run(Map.of(ProbeModel.INPUT, x))) {
                FloatBuffer out = ((OnnxTensor) y.get(0)).getFloatBuffer();
                return new float[] {out.get(0), out.get(1)};
            }
        }));
        assertTrue(inside.await(WAIT.toSeconds(), TimeUnit.SECONDS));
        AtomicReference<Thread> closer = new AtomicReference<>();
        Future<?> closing = start(() -> {
            cache.close();
            return null;
        }, closer);
        await(() -> closer.get() != null && waitingIn(closer.get(), "close"), "close() waits for the pass");
        assertFalse(closing.isDone());
        assertEquals(1, created.get().getInputInfo().size(), "the session was closed under the pass");

        finish.countDown();
        float[] y = pass.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(0f, y[0]);
        assertEquals(2.5f, y[1]);
        closing.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThrows(IllegalStateException.class, () -> created.get().getInputInfo(), "the session was not closed");
        assertThrows(UnavailableException.class, () -> lease.use(s -> s));
        lease.close();
    }
}
