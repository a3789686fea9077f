package org.convnetplayground.catalog;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real HTTP server on a loopback port serving one file at {@code /model.onnx}, with optional Range support (and
 * If-Range against its ETag), and faults on request: the next responses can be cut off halfway (half the bytes,
 * then the connection closes) or stall halfway until the server is closed. {@code /redirect} answers 302 to
 * {@link #redirectTo}, and {@code /silent} accepts the request and never answers.
 */
final class ModelFileServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final CountDownLatch closing = new CountDownLatch(1);
    private final byte[] file;
    private final boolean ranges;
    /** The Range header of every request, "" when absent, in order. */
    final List<String> requestedRanges = new CopyOnWriteArrayList<>();
    /** The status of every response, in order. */
    final List<Integer> statuses = new CopyOnWriteArrayList<>();
    final AtomicInteger cutNext = new AtomicInteger();
    final AtomicInteger stallNext = new AtomicInteger();
    volatile boolean hideLength;
    /** Where {@code /redirect} sends the client. */
    volatile String redirectTo;
    /** The path of every request, in order. */
    final List<String> requestedPaths = new CopyOnWriteArrayList<>();

    ModelFileServer(byte[] file, boolean ranges) throws IOException {
        this.file = file;
        this.ranges = ranges;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/model.onnx", this::serve);
        server.createContext("/redirect", exchange -> {
            requestedPaths.add(exchange.getRequestURI().getPath());
            exchange.getResponseHeaders().set("Location", redirectTo);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.createContext("/silent", exchange -> {
            requestedPaths.add(exchange.getRequestURI().getPath());
            try {
                closing.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.setExecutor(pool);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + port() + "/model.onnx";
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void serve(HttpExchange exchange) throws IOException {
        requestedPaths.add(exchange.getRequestURI().getPath());
        String range = exchange.getRequestHeaders().getFirst("Range");
        String ifRange = exchange.getRequestHeaders().getFirst("If-Range");
        requestedRanges.add(range == null ? "" : range);
        String etag = "\"v1-" + file.length + "\"";
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.getResponseHeaders().set("ETag", etag);
        if (ranges) {
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
        }
        int start = 0;
        Matcher m = range == null ? null : RANGE.matcher(range);
        if (ranges && m != null && m.matches() && (ifRange == null || ifRange.equals(etag))) {
            start = Integer.parseInt(m.group(1));
            if (start >= file.length) {
                exchange.getResponseHeaders().set("Content-Range", "bytes */" + file.length);
                statuses.add(416);
                exchange.sendResponseHeaders(416, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Range", "bytes " + start + "-" + (file.length - 1) + "/" + file.length);
        }
        int status = start > 0 ? 206 : 200;
        statuses.add(status);
        int length = file.length - start;
        exchange.sendResponseHeaders(status, hideLength ? 0 : length);
        OutputStream out = exchange.getResponseBody();
        boolean cut = cutNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        boolean stall = !cut && stallNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
        try {
            if (cut || stall) {
                out.write(file, start, length / 2);
                out.flush();
                if (stall) {
                    closing.await(60, TimeUnit.SECONDS);
                }
                exchange.close();
                return;
            }
            out.write(file, start, length);
            out.close();
        } catch (IOException | InterruptedException e) {
            // the client went away, or the cut: the connection is closed with the response incomplete
            exchange.close();
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
        pool.shutdownNow();
    }
}
