package org.convnetplayground.search.index;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.convnetplayground.vectors.MappedVectors;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A benchmark, not a test (its name keeps it out of the suite): approximate queries against a collection that
 * bench-scale built, in this process, Lucene's own graph searcher and the four-at-a-time walk side by side in
 * alternating rounds on the same queries: the graph search alone and the whole approximate answer (graph, exact
 * re-rank, ids), p50 per query, and recall@50 against the ground truth bench-scale computed outside the product.
 * Run: {@code ./mvnw -B -pl search-service -am verify -Dtest=HnswQueryBench -Dsurefire.failIfNoSpecifiedTests=false
 * -Dbench.collection=<data dir>/search-embedded/collections/<id> -Dbench.queries=target/bench-scale/queries-100x1280.npy
 * -Dbench.truth=target/bench-scale/truth-....txt} (optional {@code -Dbench.candidates=150,300}, {@code
 * -Dbench.rounds=5}).
 */
@EnabledIfSystemProperty(named = "bench.collection", matches = ".+")
class HnswQueryBench {

    @Test
    void walks() throws IOException {
        Path collection = Path.of(System.getProperty("bench.collection"));
        float[][] queries = npy(Path.of(System.getProperty("bench.queries")));
        List<int[]> truth = Files.readAllLines(Path.of(System.getProperty("bench.truth"))).stream()
                .filter(l -> !l.isBlank())
                .map(l -> Arrays.stream(l.trim().split("\\s+")).mapToInt(Integer::parseInt).toArray())
                .collect(Collectors.toList());
        int rounds = Integer.getInteger("bench.rounds", 5);
        int dim = queries[0].length;
        MappedVectors vectors = MappedVectors.open(collection.resolve("vectors.f32"), dim);
        List<String> ids = IntStream.range(0, vectors.size()).mapToObj(Integer::toString).collect(Collectors.toList());
        System.out.printf("approximate queries, %,d x %,d, %d queries x %d rounds, %s%n", vectors.size(), dim,
                queries.length, rounds, System.getProperty("java.version"));
        for (String c : System.getProperty("bench.candidates", "300").split(",")) {
            int candidates = Integer.parseInt(c.trim());
            HnswParams params = new HnswParams(16, 100, true, 1, candidates, 1);
            ExactIndex exact = new ExactIndex(vectors, ids);
            try (HnswIndex index = HnswIndex.open(exact, collection.resolve("hnsw"), params, 0)) {
                if (!index.walks()) {
                    throw new IllegalStateException("the index is not walked four at a time");
                }
                // warm both paths (JIT, page cache) before measuring
                for (int i = 0; i < 2; i++) {
                    graphTimes(index, queries, candidates, false);
                    graphTimes(index, queries, candidates, true);
                }
                List<Double> luceneGraph = new ArrayList<>(), walkGraph = new ArrayList<>();
                List<Double> luceneAll = new ArrayList<>(), walkAll = new ArrayList<>();
                double recallLucene = 0, recallWalk = 0;
                for (int r = 0; r < rounds; r++) {
                    luceneGraph.addAll(graphTimes(index, queries, candidates, false));
                    walkGraph.addAll(graphTimes(index, queries, candidates, true));
                    recallLucene = answers(index, exact, queries, candidates, false, truth, luceneAll);
                    recallWalk = answers(index, exact, queries, candidates, true, truth, walkAll);
                }
                System.out.printf("%d candidates: graph p50 lucene %.3f ms, walk %.3f ms (%.2fx); whole answer p50 "
                                + "lucene %.3f ms, walk %.3f ms (%.2fx); recall@50 lucene %.4f, walk %.4f%n",
                        candidates, p50(luceneGraph), p50(walkGraph), p50(luceneGraph) / p50(walkGraph),
                        p50(luceneAll), p50(walkAll), p50(luceneAll) / p50(walkAll), recallLucene, recallWalk);
            }
        }
    }

    private static List<Double> graphTimes(HnswIndex index, float[][] queries, int candidates, boolean walk) {
        List<Double> times = new ArrayList<>();
        for (float[] q : queries) {
            long start = System.nanoTime();
            index.candidates(q, candidates, walk);
            times.add((System.nanoTime() - start) / 1e6);
        }
        return times;
    }

    /** Whole approximate answers of k 50 (timed into {@code times}); their mean recall@50 against the truth. */
    private static double answers(HnswIndex index, ExactIndex exact, float[][] queries, int candidates, boolean walk,
                                  List<int[]> truth, List<Double> times) {
        double found = 0;
        for (int i = 0; i < queries.length; i++) {
            long start = System.nanoTime();
            int[] rows = index.candidates(queries[i], candidates, walk);
            // as HnswIndex.approximate: the candidates re-ranked exactly, rows to ids
            List<Neighbour> top = exact.neighbours(new ArrayList<>(exact.scan().rerank(queries[i], Metric.COSINE, 0,
                    rows, 50)));
            times.add((System.nanoTime() - start) / 1e6);
            Set<String> expected = new HashSet<>();
            for (int row : truth.get(i)) {
                expected.add(Integer.toString(row));
            }
            found += top.stream().filter(n -> expected.contains(n.id())).count() / (double) expected.size();
        }
        return found / queries.length;
    }

    private static double p50(List<Double> times) {
        double[] sorted = times.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    /** A float32 C-order [n, d] .npy file. */
    static float[][] npy(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Short.toUnsignedInt(bytes.getShort(8));
        String header = new String(bytes.array(), 10, headerLength, java.nio.charset.StandardCharsets.US_ASCII);
        String[] shape = header.replaceAll(".*'shape': \\((\\d+), (\\d+)\\).*\\s*", "$1 $2").trim().split(" ");
        int n = Integer.parseInt(shape[0]);
        int d = Integer.parseInt(shape[1]);
        bytes.position(10 + headerLength);
        float[][] rows = new float[n][d];
        for (float[] row : rows) {
            bytes.asFloatBuffer().get(row);
            bytes.position(bytes.position() + d * Float.BYTES);
        }
        return rows;
    }
}
