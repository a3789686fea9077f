package org.convnetplayground.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.convnetplayground.problem.ProblemException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class JobRegistryTest {

    private final JobRegistry registry = new JobRegistry(Executors.newFixedThreadPool(2), Duration.ofMinutes(5));

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void reportsProgressAndResult() throws Exception {
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        Job<String> job = registry.submit("test", "a", ctx -> {
            ctx.progress(5, 10);
            halfway.countDown();
            assertTrue(resume.await(10, TimeUnit.SECONDS));
            ctx.progress(10, 10);
            return "done";
        });
        assertTrue(halfway.await(10, TimeUnit.SECONDS));
        JobStatus mid = job.status();
        assertEquals(JobState.RUNNING, mid.state());
        assertEquals(0.5, mid.progress(), 1e-9);
        resume.countDown();
        assertEquals("done", job.completion().get(10, TimeUnit.SECONDS));
        assertEquals(JobState.SUCCEEDED, job.status().state());
        assertEquals(1.0, job.status().progress(), 1e-9);
        assertEquals("done", job.result().orElseThrow());
    }

    @Test
    void sameKeyInFlightIsTheSameJob() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Job<Integer> first = registry.submit("build", "k", ctx -> {
            release.await(10, TimeUnit.SECONDS);
            return 1;
        });
        Job<Integer> second = registry.submit("build", "k", ctx -> 2);
        assertSame(first, second);
        release.countDown();
        assertEquals(1, first.completion().get(10, TimeUnit.SECONDS));
        Job<Integer> third = registry.submit("build", "k", ctx -> 3);
        assertEquals(3, third.completion().get(10, TimeUnit.SECONDS));
    }

    @Test
    void failureKeepsTheProblem() {
        Job<Object> job = registry.submit("test", "f", ctx -> {
            throw ProblemException.notFound("unknown dataset 'x'");
        });
        ExecutionException e = assertThrows(ExecutionException.class, () -> job.completion().get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof ProblemException);
        JobStatus status = job.status();
        assertEquals(JobState.FAILED, status.state());
        assertEquals(404, status.error().status());
        assertEquals("unknown dataset 'x'", status.error().detail());
    }

    @Test
    void cancellationStopsCooperativeWork() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Job<Object> job = registry.submit("test", "c", ctx -> {
            started.countDown();
            while (true) {
                ctx.throwIfCancelled();
                Thread.onSpinWait();
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertTrue(registry.cancel(job.id()));
        assertThrows(CancellationException.class, () -> job.completion().get(10, TimeUnit.SECONDS));
        assertEquals(JobState.CANCELLED, job.status().state());
    }

    @Test
    void nextChangeCompletesOnProgressMessageAndEndButNotOnRepeats() throws Exception {
        CountDownLatch step = new CountDownLatch(1);
        CountDownLatch reported = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        Job<String> job = registry.submit("test", "n", ctx -> {
            assertTrue(step.await(10, TimeUnit.SECONDS));
            ctx.progress(1, 4);
            reported.countDown();
            assertTrue(finish.await(10, TimeUnit.SECONDS));
            return "done";
        });
        // wait until it runs (its start is a change too)
        java.util.concurrent.CompletableFuture<Void> started = job.nextChange();
        if (job.state() == JobState.QUEUED) {
            started.get(10, TimeUnit.SECONDS);
        }
        java.util.concurrent.CompletableFuture<Void> progress = job.nextChange();
        assertFalse(progress.isDone(), "nothing changed yet");
        step.countDown();
        progress.get(10, TimeUnit.SECONDS);
        assertTrue(reported.await(10, TimeUnit.SECONDS));

        // the same progress again is no change; a new message is
        java.util.concurrent.CompletableFuture<Void> next = job.nextChange();
        job.progress(1, 4);
        assertFalse(next.isDone(), "a repeated progress is no change");
        job.message("halfway");
        assertTrue(next.isDone(), "a new message is a change");

        // a waiter's timeout touches no other waiter
        java.util.concurrent.CompletableFuture<Void> a = job.nextChange();
        java.util.concurrent.CompletableFuture<Void> b = job.nextChange();
        a.complete(null);
        assertFalse(b.isDone());

        finish.countDown();
        b.get(10, TimeUnit.SECONDS);
        job.completion().get(10, TimeUnit.SECONDS);
        assertTrue(job.nextChange().isDone(), "an ended job has no next change to wait for");
    }
}
