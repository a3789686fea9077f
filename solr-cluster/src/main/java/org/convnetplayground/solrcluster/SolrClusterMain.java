package org.convnetplayground.solrcluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.apache.solr.cloud.MiniSolrCloudCluster;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * A real SolrCloud on this machine: an embedded ZooKeeper and N Solr nodes (Jetty) on free loopback ports, through
 * Solr's own {@link MiniSolrCloudCluster}. It runs in its own JVM so that Solr's Jetty, ZooKeeper and Lucene never share
 * a class path with the search-service; tests ({@code SolrClusterProcess}) and {@code make run-cluster} start it.
 *
 * <p>Arguments: {@code --nodes N} (2), {@code --dir PATH} (the cluster's files; a fresh temporary folder by default).
 * It prints one line per node, {@code node 0 http://127.0.0.1:PORT/solr}, then {@code zk 127.0.0.1:PORT} and
 * {@code ready}. On standard input it takes {@code stop I} (node I goes down, its port closed), {@code start I} (node I
 * comes back on the same port) and {@code quit}, answering each with {@code ok ...} or {@code error ...}; the end of
 * standard input (its parent died) or SIGTERM shut the cluster down.
 */
public final class SolrClusterMain {

    private SolrClusterMain() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = 2;
        Path dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--nodes":
                    nodes = Integer.parseInt(args[++i]);
                    break;
                case "--dir":
                    dir = Path.of(args[++i]);
                    break;
                default:
                    System.err.println("unknown argument '" + args[i] + "'; expected --nodes N, --dir PATH");
                    System.exit(2);
            }
        }
        if (nodes < 1 || nodes > 8) {
            System.err.println("--nodes " + nodes + ": expected 1 to 8");
            System.exit(2);
        }
        if (dir == null) {
            dir = Files.createTempDirectory("solr-cluster");
        }
        Files.createDirectories(dir);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        // Solr's test defaults that do not fit a cluster other processes use: its nodes must be reachable from
        // outside this JVM on loopback, and they must not think they are inside a randomized test.
        System.setProperty("host", "127.0.0.1");
        System.setProperty("solr.log.dir", dir.resolve("logs").toString());
        // configsets uploaded through the Configsets API (what the search-service does): the default, said explicitly
        System.setProperty("configset.upload.enabled", "true");

        long t0 = System.nanoTime();
        MiniSolrCloudCluster cluster = new MiniSolrCloudCluster.Builder(nodes, dir)
                .withJettyConfig(b -> b.setContext("/solr").stopAtShutdown(true))
                .build();
        CountDownLatch down = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(cluster, down), "solr-cluster-shutdown"));
        List<JettySolrRunner> runners = new ArrayList<>(cluster.getJettySolrRunners());
        for (int i = 0; i < runners.size(); i++) {
            out.println("node " + i + " " + runners.get(i).getBaseUrl());
        }
        out.println("zk " + cluster.getZkServer().getZkAddress());
        out.println(String.format(Locale.ROOT, "ready in %.1f s", (System.nanoTime() - t0) / 1e9));

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] words = line.trim().split("\\s+");
            try {
                if (words[0].equals("quit")) {
                    break;
                } else if (words[0].equals("stop") && words.length == 2) {
                    int i = node(words[1], runners.size());
                    cluster.stopJettySolrRunner(runners.get(i));
                    cluster.waitForJettyToStop(runners.get(i));
                    out.println("ok stopped " + i);
                } else if (words[0].equals("start") && words.length == 2) {
                    int i = node(words[1], runners.size());
                    JettySolrRunner started = cluster.startJettySolrRunner(runners.get(i), true);
                    runners.set(i, started);
                    cluster.waitForNode(started, 60);
                    out.println("ok started " + i + " " + started.getBaseUrl());
                } else if (!words[0].isEmpty()) {
                    out.println("error unknown command '" + line.trim() + "'; expected stop I, start I or quit");
                }
            } catch (Exception e) {
                out.println("error " + e.getMessage());
            }
        }
        shutdown(cluster, down);
        System.exit(0);
    }

    private static int node(String word, int nodes) {
        int i = Integer.parseInt(word);
        if (i < 0 || i >= nodes) {
            throw new IllegalArgumentException("no node " + i + "; expected 0 to " + (nodes - 1));
        }
        return i;
    }

    private static void shutdown(MiniSolrCloudCluster cluster, CountDownLatch down) {
        synchronized (down) {
            if (down.getCount() == 0) {
                return;
            }
            try {
                cluster.shutdown();
            } catch (Exception e) {
                System.err.println("shutting the cluster down: " + e);
            } finally {
                down.countDown();
            }
        }
    }
}
