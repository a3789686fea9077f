package org.convnetplayground.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real SolrCloud (embedded ZooKeeper + N Solr nodes on free loopback ports) started from the {@code solr-cluster}
 * module's launcher in a child JVM, so Solr's Jetty, ZooKeeper and Lucene stay off the class path of the code under
 * test. Nodes can be stopped and started again (same port) to test failures. Stopped when closed or when the JVM exits.
 */
public final class SolrClusterProcess implements AutoCloseable {

    /**
     * Where the shared cluster is kept: a system property holding only JDK objects (process, output lines, URLs, log),
     * so that test classes loaded by different class loaders (Quarkus tests have their own) share one cluster.
     */
    private static final String SHARED_KEY = "cnp.testing.solr-cluster";

    private final Process process;
    private final PrintStream commands;
    private final BlockingQueue<String> lines;
    private final List<String> nodeUrls;
    private final Path log;

    /** A handle on a cluster another handle started (see {@link #SHARED_KEY}). */
    private SolrClusterProcess(Process process, BlockingQueue<String> lines, List<String> nodeUrls, Path log) {
        this.process = process;
        this.lines = lines;
        this.nodeUrls = nodeUrls;
        this.log = log;
        this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    private SolrClusterProcess(Process process, Path log, int nodes, Duration timeout) {
        this.process = process;
        this.log = log;
        this.lines = new LinkedBlockingQueue<>();
        this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "solr-cluster-output");
        reader.setDaemon(true);
        reader.start();
        List<String> urls = new ArrayList<>();
        while (true) {
            String line = next(timeout, "the cluster to start");
            if (line.startsWith("node ")) {
                urls.add(line.split(" ")[2]);
            } else if (line.startsWith("ready")) {
                // "ready in 23.4 s": said in the test output, so the cost of the cluster is visible
                System.out.println("Solr cluster of " + urls.size() + " nodes " + line + ": " + urls);
                break;
            }
        }
        if (urls.size() != nodes) {
            close();
            throw new IllegalStateException("the launcher started " + urls.size() + " nodes, not " + nodes);
        }
        this.nodeUrls = List.copyOf(urls);
    }

    /**
     * One 2-node cluster per JVM, started on first use and shared by every test class that asks, whatever class
     * loader loaded it.
     */
    @SuppressWarnings("unchecked")
    public static SolrClusterProcess shared() {
        synchronized (System.getProperties()) {
            Object[] kept = (Object[]) System.getProperties().get(SHARED_KEY);
            if (kept != null && ((Process) kept[0]).isAlive()) {
                return new SolrClusterProcess((Process) kept[0], (BlockingQueue<String>) kept[1],
                        (List<String>) kept[2], (Path) kept[3]);
            }
            SolrClusterProcess p = start(2);
            System.getProperties().put(SHARED_KEY, new Object[] {p.process, p.lines, p.nodeUrls, p.log});
            Runtime.getRuntime().addShutdownHook(new Thread(p::close));
            return p;
        }
    }

    /** Starts a cluster of {@code nodes} Solr nodes and waits until every node is up (15-40 s). */
    public static SolrClusterProcess start(int nodes) {
        return start(nodes, "-Xmx1g");
    }

    /** As {@link #start(int)}, with the cluster JVM's heap option ({@code -Xmx3g}) for larger collections. */
    public static SolrClusterProcess start(int nodes, String heap) {
        Path module = Repo.dir().resolve("solr-cluster").resolve("target");
        Path lib = module.resolve("lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(lib + " is missing; build the launcher first: ./mvnw -pl solr-cluster "
                    + "package");
        }
        try {
            Path logs = Repo.dir().resolve("target").resolve("service-logs");
            Files.createDirectories(logs);
            Path dir = Files.createTempDirectory("solr-cluster");
            Path log = logs.resolve("solr-cluster-" + dir.getFileName() + ".log");
            List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    heap, "-cp", module.resolve("classes") + java.io.File.pathSeparator + lib.resolve("*"),
                    "org.convnetplayground.solrcluster.SolrClusterMain", "--nodes", Integer.toString(nodes),
                    "--dir", dir.toString());
            Process process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            return new SolrClusterProcess(process, log, nodes, Duration.ofSeconds(180));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the Solr cluster: " + e.getMessage(), e);
        }
    }

    /** Each node's base URL, {@code http://127.0.0.1:PORT/solr}. */
    public List<String> nodeUrls() {
        return nodeUrls;
    }

    /** The node URLs comma-separated, as {@code cnp.search.solr.urls} takes them. */
    public String urls() {
        return String.join(",", nodeUrls);
    }

    /** Stops node {@code i} (its port closes) and waits until it is down. */
    public void stopNode(int i) {
        command("stop " + i, "ok stopped " + i);
    }

    /** Starts node {@code i} again on its port and waits until it has joined the cluster. */
    public void startNode(int i) {
        command("start " + i, "ok started " + i);
    }

    private void command(String command, String expected) {
        synchronized (lines) {
            commands.println(command);
            awaitLine(command, expected);
        }
    }

    private void awaitLine(String command, String expected) {
        while (true) {
            String line = next(Duration.ofSeconds(120), "'" + command + "'");
            if (line.startsWith(expected)) {
                return;
            }
            if (line.startsWith("error")) {
                throw new IllegalStateException("'" + command + "' failed: " + line);
            }
        }
    }

    private String next(Duration timeout, String what) {
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                String line = lines.poll(250, TimeUnit.MILLISECONDS);
                if (line != null) {
                    return line;
                }
                if (!process.isAlive() && lines.isEmpty()) {
                    throw new IllegalStateException("the Solr cluster exited (" + process.exitValue()
                            + ") while waiting for " + what + "; log: " + log + "\n" + tail());
                }
            }
            throw new IllegalStateException("timed out after " + timeout + " waiting for " + what + "; log: " + log
                    + "\n" + tail());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String tail() {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - 30), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Shuts the cluster down (quit, then SIGTERM, then SIGKILL). */
    @Override
    public void close() {
        if (process.isAlive()) {
            commands.println("quit");
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroy();
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
