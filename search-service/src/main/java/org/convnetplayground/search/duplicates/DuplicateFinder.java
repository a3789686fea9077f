package org.convnetplayground.search.duplicates;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.ranking.Similarity;
import org.convnetplayground.vectors.Metric;
import org.convnetplayground.vectors.ScoredRow;

/**
 * Finds pairs of images closer than a threshold with one nearest-neighbour query per image (a few neighbours
 * first, more only for images that turn out to have many duplicates), then joins them into groups.
 */
public final class DuplicateFinder {

    /**
     * Default thresholds as a fraction of the collection's median pair distance. Measured on caltech101-iconic200
     * with planted copies (re-encoded, resized, cropped) under MobileNet v2's pooled embedding: copies lie below
     * 0.11 of the median cosine distance, distinct photos above 0.2. Distances that behave like a squared norm
     * (cosine, correlation, sqeuclidean) take 0.15; norm-like ones take its square root.
     */
    static double defaultFraction(Metric metric) {
        return switch (metric) {
            case COSINE, CORRELATION, SQEUCLIDEAN -> 0.15;
            default -> Math.sqrt(0.15);
        };
    }

    private static final int FIRST_NEIGHBOURS = 8;

    private DuplicateFinder() {
    }

    public static double defaultThreshold(VectorCollection c, Metric metric, double p) {
        return defaultFraction(metric) * Similarity.typicalDistance(c, metric, p);
    }

    /**
     * @param threshold the distance below which (strictly) two images are duplicates; the default when null
     * @param progress  called with the number of images scanned
     */
    public static Duplicates find(VectorCollection c, Metric metric, double p, Double threshold, IntConsumer progress) {
        double typical = Similarity.typicalDistance(c, metric, p);
        double byDefault = defaultFraction(metric) * typical;
        double limit = threshold == null ? byDefault : threshold;
        int n = c.meta().size();
        List<Duplicates.Pair> pairs = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        int[] parent = new int[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int i = 0; i < n; i++) {
            int row = i;
            float[] query = c.vectors().row(i);
            int k = FIRST_NEIGHBOURS;
            List<ScoredRow> near;
            while (true) {
                near = c.search().topK(query, metric, p, k, r -> r == row);
                boolean allClose = near.size() == k && near.get(near.size() - 1).distance() < limit;
                if (!allClose || k >= n - 1) {
                    break;
                }
                k = Math.min(n - 1, k * 4);
            }
            for (ScoredRow s : near) {
                if (!(s.distance() < limit)) {
                    break;
                }
                int a = Math.min(i, s.row());
                int b = Math.max(i, s.row());
                if (seen.add((long) a * n + b)) {
                    pairs.add(new Duplicates.Pair(c.item(a).id(), c.item(b).id(), s.distance()));
                    union(parent, a, b);
                }
            }
            if (progress != null) {
                progress.accept(i + 1);
            }
        }
        pairs.sort(Comparator.comparingDouble(Duplicates.Pair::distance)
                .thenComparing(Duplicates.Pair::a).thenComparing(Duplicates.Pair::b));
        Map<Integer, List<String>> byRoot = new TreeMap<>();
        for (long key : seen) {
            int a = (int) (key / n);
            int b = (int) (key % n);
            for (int x : new int[] {a, b}) {
                List<String> group = byRoot.computeIfAbsent(find(parent, x), r -> new ArrayList<>());
                String id = c.item(x).id();
                if (!group.contains(id)) {
                    group.add(id);
                }
            }
        }
        List<List<String>> groups = new ArrayList<>();
        for (List<String> g : byRoot.values()) {
            g.sort(String::compareTo);
            groups.add(List.copyOf(g));
        }
        groups.sort(Comparator.comparingInt((List<String> g) -> -g.size()).thenComparing(g -> g.get(0)));
        return new Duplicates(metric.id(), limit, byDefault, typical, n, pairs, groups);
    }

    private static int find(int[] parent, int x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }

    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra != rb) {
            parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
    }
}
