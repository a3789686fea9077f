package org.convnetplayground.search.duplicates;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.function.IntConsumer;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.ranking.Similarity;
import org.convnetplayground.vectors.Metric;
import org.convnetplayground.vectors.ScoredRow;

/**
 * Finds pairs of images closer than a threshold with one nearest-neighbour query per image, then joins them into
 * groups. An image with few close neighbours needs its first few neighbours only; one with many gets all its
 * distances in one exact pass. Each pair is taken from the scan of its first image, so no set of pairs seen is
 * needed; every pair is counted and joins its group, but only the closest {@code maxPairs} are kept, so the work
 * stays within two scans per image and the memory within the cap, whatever the threshold.
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

    /**
     * The largest threshold accepted, as a fraction of the median pair distance: a pair as far apart as a typical
     * pair of the collection is no near-duplicate, and half of all pairs would be.
     */
    public static final double MAX_THRESHOLD_FRACTION = 1.0;

    private static final int FIRST_NEIGHBOURS = 8;

    private static final Comparator<Duplicates.Pair> CLOSEST_FIRST = Comparator.comparingDouble(Duplicates.Pair::distance)
            .thenComparing(Duplicates.Pair::a).thenComparing(Duplicates.Pair::b);

    private DuplicateFinder() {
    }

    public static double defaultThreshold(VectorCollection c, Metric metric, double p) {
        return defaultFraction(metric) * Similarity.typicalDistance(c, metric, p);
    }

    /** Every pair below the threshold listed, the typical distance computed here. */
    public static Duplicates find(VectorCollection c, Metric metric, double p, Double threshold, IntConsumer progress) {
        return find(c, metric, p, threshold, Similarity.typicalDistance(c, metric, p), Integer.MAX_VALUE, progress);
    }

    /**
     * @param threshold the distance below which (strictly) two images are duplicates; the default when null
     * @param typical   the collection's median pair distance under the metric ({@link Similarity#typicalDistance})
     * @param maxPairs  most pairs listed (the closest); all are counted and grouped
     * @param progress  called with the number of images scanned
     */
    public static Duplicates find(VectorCollection c, Metric metric, double p, Double threshold, double typical,
                                  int maxPairs, IntConsumer progress) {
        double byDefault = defaultFraction(metric) * typical;
        double limit = threshold == null ? byDefault : threshold;
        int n = c.meta().size();
        ClosestPairs kept = new ClosestPairs(maxPairs);
        long total = 0;
        int[] parent = new int[n];
        boolean[] paired = new boolean[n];
        for (int i = 0; i < n; i++) {
            parent[i] = i;
        }
        for (int i = 0; i < n; i++) {
            int row = i;
            float[] query = c.vectors().row(i);
            List<ScoredRow> near = c.search().topK(query, metric, p, FIRST_NEIGHBOURS, r -> r == row);
            boolean allClose = near.size() == FIRST_NEIGHBOURS && near.get(near.size() - 1).distance() < limit;
            if (allClose) {
                // many close neighbours: all of this image's distances in one exact pass
                double[] d = c.search().distances(query, metric, p);
                for (int j = i + 1; j < n; j++) {
                    if (d[j] < limit) {
                        total++;
                        kept.offer(c, i, j, d[j]);
                        join(parent, paired, i, j);
                    }
                }
            } else {
                for (ScoredRow s : near) {
                    if (!(s.distance() < limit)) {
                        break;
                    }
                    // the pair with an earlier image was taken in that image's scan
                    if (s.row() > i) {
                        total++;
                        kept.offer(c, i, s.row(), s.distance());
                        join(parent, paired, i, s.row());
                    }
                }
            }
            if (progress != null) {
                progress.accept(i + 1);
            }
        }
        List<Duplicates.Pair> pairs = kept.sorted();
        return new Duplicates(metric.id(), limit, byDefault, MAX_THRESHOLD_FRACTION * typical, typical, n, total,
                pairs.size() < total, maxPairs, pairs, groups(c, parent, paired));
    }

    /** Images joined by pairs, by their group's root: ids sorted, largest group first, then by first id. */
    private static List<List<String>> groups(VectorCollection c, int[] parent, boolean[] paired) {
        TreeMap<Integer, List<String>> byRoot = new TreeMap<>();
        for (int x = 0; x < parent.length; x++) {
            if (paired[x]) {
                byRoot.computeIfAbsent(find(parent, x), r -> new ArrayList<>()).add(c.item(x).id());
            }
        }
        List<List<String>> groups = new ArrayList<>(byRoot.size());
        for (List<String> g : byRoot.values()) {
            g.sort(String::compareTo);
            groups.add(List.copyOf(g));
        }
        groups.sort(Comparator.comparingInt((List<String> g) -> -g.size()).thenComparing(g -> g.get(0)));
        return groups;
    }

    /** The closest pairs offered, at most a given number: a max-heap whose root is the farthest kept. */
    private static final class ClosestPairs {
        private final int capacity;
        private final PriorityQueue<Duplicates.Pair> heap;

        ClosestPairs(int capacity) {
            this.capacity = capacity;
            this.heap = new PriorityQueue<>(Math.min(capacity, 1024), CLOSEST_FIRST.reversed());
        }

        void offer(VectorCollection c, int a, int b, double distance) {
            if (heap.size() >= capacity) {
                Duplicates.Pair farthest = heap.peek();
                // most pairs are rejected here, without building one
                if (distance > farthest.distance()) {
                    return;
                }
                Duplicates.Pair pair = new Duplicates.Pair(c.item(a).id(), c.item(b).id(), distance);
                if (CLOSEST_FIRST.compare(pair, farthest) >= 0) {
                    return;
                }
                heap.poll();
                heap.add(pair);
                return;
            }
            heap.add(new Duplicates.Pair(c.item(a).id(), c.item(b).id(), distance));
        }

        List<Duplicates.Pair> sorted() {
            List<Duplicates.Pair> out = new ArrayList<>(heap);
            out.sort(CLOSEST_FIRST);
            return out;
        }
    }

    private static void join(int[] parent, boolean[] paired, int a, int b) {
        paired[a] = true;
        paired[b] = true;
        union(parent, a, b);
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
