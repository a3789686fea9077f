package org.convnetplayground.search.index;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.convnetplayground.search.collection.CollectionKey;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.duplicates.DuplicateFinder;
import org.convnetplayground.search.duplicates.Duplicates;
import org.convnetplayground.search.ranking.Similarity;
import org.convnetplayground.testing.ClusteredVectors;
import org.convnetplayground.vectors.MappedVectors;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A benchmark, not a test (its name keeps it out of the suite): a near-duplicate scan of clustered vectors through
 * an HNSW index, as large collections are scanned (neighbours capped at {@code bench.cap}, on every core), printing
 * its time a row. The vectors are make bench-scale's kind, with {@code bench.clusterRows} rows a cluster (about 200 at
 * its 200,000 rows), so nearly every image has more close neighbours than the cap. {@code -Dbench.before=true} also
 * times the scan as it was (an exact pass per image whose first 8 neighbours are all close, one thread) over the first
 * {@code bench.beforeRows} rows (500), and extrapolates. Run: {@code ./mvnw -B -pl search-service -am verify
 * -Dtest=DuplicateScanBench -Dsurefire.failIfNoSpecifiedTests=false -Dbench.rows=20000} (optional
 * {@code -Dbench.dim=1280}, {@code -Dbench.cap=50}, {@code -Dbench.threads=} cores).
 */
@EnabledIfSystemProperty(named = "bench.rows", matches = "\\d+")
class DuplicateScanBench {

    @TempDir
    Path dir;

    @Test
    void scanRate() throws Exception {
        int rows = Integer.getInteger("bench.rows");
        int dim = Integer.getInteger("bench.dim", 1280);
        int cap = Integer.getInteger("bench.cap", 50);
        int clusterRows = Integer.getInteger("bench.clusterRows", 200);
        int threads = Integer.getInteger("bench.threads", Runtime.getRuntime().availableProcessors());
        Path file = dir.resolve("vectors.f32");
        write(file, rows, dim, Math.max(1, rows / clusterRows));
        MappedVectors vectors = MappedVectors.open(file, dim);
        List<String> ids = VectorIndexContract.ids(rows);
        HnswParams params = new HnswParams(16, 100, true, 3, 150, threads);
        long start = System.nanoTime();
        Path graph = dir.resolve("hnsw");
        Files.createDirectory(graph);
        HnswIndex.build(graph, vectors, params, r -> { }, () -> false);
        System.out.printf("duplicates bench: %,d x %,d vectors, %d rows a cluster, HNSW built in %.1f s%n", rows, dim,
                clusterRows, (System.nanoTime() - start) / 1e9);
        List<CollectionMeta.Item> items = new ArrayList<>();
        for (String id : ids) {
            items.add(new CollectionMeta.Item(id, null));
        }
        VectorCollection c = new VectorCollection(new CollectionMeta(new CollectionKey("bench", "m", "l", "avg"), dim,
                "v", "sha", Instant.EPOCH, items), vectors);
        try (HnswIndex index = HnswIndex.open(new ExactIndex(vectors, ids), graph, params, 0)) {
            VectorCollection scanned = IndexService.withNeighboursFrom(c, index);
            double typical = Similarity.typicalDistance(c, Metric.COSINE, 3);
            start = System.nanoTime();
            Duplicates d = DuplicateFinder.find(scanned, Metric.COSINE, 3, null, typical, 100,
                    DuplicateFinder.Neighbours.capped(Math.min(cap, 50), cap), threads, null);
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("capped scan (cap %d, %d threads): %.1f s, %.2f ms a row (%.1f ms a row a thread); "
                    + "%,d pairs counted, %,d images at the cap, %,d groups; at 200,000 rows about %.0f s%n", cap,
                    threads, seconds, seconds * 1000 / rows, seconds * 1000 * threads / rows, d.total(),
                    d.imagesAtCap(), d.groups().size(), seconds / rows * 200_000);
            if (Boolean.getBoolean("bench.before")) {
                int beforeRows = Integer.getInteger("bench.beforeRows", 500);
                int[] done = {0};
                start = System.nanoTime();
                try {
                    DuplicateFinder.find(scanned, Metric.COSINE, 3, null, typical, 100, DuplicateFinder.Neighbours.EXACT,
                            1, n -> {
                                done[0] = n;
                                if (n >= beforeRows) {
                                    throw new IllegalStateException("enough");
                                }
                            });
                } catch (IllegalStateException enough) {
                    // timed the first rows only
                }
                seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("before (exact pass per dense image, 1 thread): %.2f ms a row over %d rows; "
                        + "%,d rows would take about %.0f s%n", seconds * 1000 / done[0], done[0], rows,
                        seconds / done[0] * rows);
            }
        }
    }

    /** make bench-scale's vectors ({@link ClusteredVectors}) around {@code centres} centres, as a raw float32 file. */
    private static void write(Path file, int rows, int dim, int centres) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW),
                1 << 20)) {
            ClusteredVectors.write(out, rows, dim, centres, 11);
        }
    }
}
