package org.convnetplayground.search.duplicates;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.ranking.Similarity;
import org.convnetplayground.vectors.Metric;
import org.convnetplayground.vectors.ScoredRow;

/**
 * Finds pairs of images closer than a threshold with one nearest-neighbour query per image, then joins them into
 * groups. Each pair is counted once; only the closest {@code maxPairs} are kept, so the memory stays within the cap
 * whatever the threshold. Images are scanned in parallel and merged in row order, so the answer does not depend on
 * thread timing.
 *
 * <p>Neighbours are asked in one of two ways ({@link Neighbours}). Exactly: an image with few close neighbours needs
 * its first few only; one with many gets all its distances in one exact pass, so every pair is found. From an
 * approximate index (large collections): an image whose first neighbours are all close asks again for more, up to a
 * cap, and never for all its distances: a group of thousands of near-identical images would otherwise make the scan
 * one exact pass per image (hours at 200,000 rows). Its pairs beyond the cap are not counted, and the answer says
 * so ({@link Duplicates#imagesAtCap()}); it still joins its group through the neighbours found.
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

    /** Neighbours asked first of each image in an exact scan. */
    public static final int FIRST_NEIGHBOURS = 8;

    /** Images scanned ahead of the merge, per thread: enough to keep the threads busy, few enough to hold. */
    private static final int AHEAD_PER_THREAD = 8;

    private static final Comparator<Duplicates.Pair> CLOSEST_FIRST = Comparator.comparingDouble(Duplicates.Pair::distance)
            .thenComparing(Duplicates.Pair::a).thenComparing(Duplicates.Pair::b);

    /**
     * How a scan asks each image's neighbours.
     *
     * @param first neighbours asked first
     * @param cap   null: an image whose {@code first} neighbours are all close gets all its distances in one exact pass
     *              (every pair found); otherwise it asks again for {@code cap} neighbours, and no more
     */
    public record Neighbours(int first, Integer cap) {

        /** Every pair found: the first few neighbours, all distances when they are all close. */
        public static final Neighbours EXACT = new Neighbours(FIRST_NEIGHBOURS, null);

        public Neighbours {
            if (first < 1 || (cap != null && cap < first)) {
                throw new IllegalArgumentException("neighbours asked: first " + first + ", cap " + cap
                        + "; expected 1 <= first <= cap");
            }
        }

        /** At most {@code cap} neighbours an image, {@code first} of them asked first. */
        public static Neighbours capped(int first, int cap) {
            return new Neighbours(first, cap);
        }
    }

    private DuplicateFinder() {
    }

    public static double defaultThreshold(VectorCollection c, Metric metric, double p) {
        return defaultFraction(metric) * Similarity.typicalDistance(c, metric, p);
    }

    /** Every pair below the threshold listed, the typical distance computed here. */
    public static Duplicates find(VectorCollection c, Metric metric, double p, Double threshold, IntConsumer progress) {
        return find(c, metric, p, threshold, Similarity.typicalDistance(c, metric, p), Integer.MAX_VALUE, progress);
    }

    /** An exact scan on the calling thread: every pair below the threshold counted. */
    public static Duplicates find(VectorCollection c, Metric metric, double p, Double threshold, double typical,
                                  int maxPairs, IntConsumer progress) {
        try {
            return find(c, metric, p, threshold, typical, maxPairs, Neighbours.EXACT, 1, progress);
        } catch (InterruptedException e) {
            // one thread waits for nothing
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param threshold  the distance below which (strictly) two images are duplicates; the default when null
     * @param typical    the collection's median pair distance under the metric ({@link Similarity#typicalDistance})
     * @param maxPairs   most pairs listed (the closest); all those found are counted and grouped
     * @param neighbours how each image's neighbours are asked
     * @param threads    images scanned at once (1: on the calling thread)
     * @param progress   called on the calling thread with the number of images scanned, in row order; it may throw
     *                   to stop the scan
     */
    public static Duplicates find(VectorCollection c, Metric metric, double p, Double threshold, double typical,
                                  int maxPairs, Neighbours neighbours, int threads, IntConsumer progress)
            throws InterruptedException {
        double byDefault = defaultFraction(metric) * typical;
        double limit = threshold == null ? byDefault : threshold;
        int n = c.meta().size();
        Merge merge = new Merge(c, n, maxPairs, neighbours.cap() != null);
        if (threads <= 1) {
            for (int i = 0; i < n; i++) {
                merge.add(i, scan(c, metric, p, limit, neighbours, i));
                if (progress != null) {
                    progress.accept(i + 1);
                }
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "duplicates-scan");
                t.setDaemon(true);
                return t;
            });
            try {
                ArrayDeque<Future<Found>> ahead = new ArrayDeque<>();
                int next = 0;
                for (int i = 0; i < n; i++) {
                    while (next < n && next < i + threads * AHEAD_PER_THREAD) {
                        int row = next++;
                        ahead.add(pool.submit(() -> scan(c, metric, p, limit, neighbours, row)));
                    }
                    merge.add(i, result(ahead.poll()));
                    if (progress != null) {
                        progress.accept(i + 1);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        List<Duplicates.Pair> pairs = merge.kept.sorted();
        return new Duplicates(metric.id(), limit, byDefault, MAX_THRESHOLD_FRACTION * typical, typical, n, merge.total,
                neighbours.cap(), merge.atCap, pairs.size() < merge.total, maxPairs, pairs,
                groups(c, merge.parent, merge.paired), labels(c, merge.paired));
    }

    private static Found result(Future<Found> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error r) {
                throw r;
            }
            throw new IllegalStateException("duplicate scan failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * The close neighbours of one image: in an exact scan those after it (a pair with an earlier image was found
     * in that image's scan); from an index all those found.
     *
     * @param rows      the neighbours closer than the threshold
     * @param distances their distances
     * @param atCap     whether the cap-th neighbour was still close (more may be)
     * @param reach     the distance of the farthest neighbour asked: nothing farther was listed
     */
    private record Found(int[] rows, double[] distances, boolean atCap, double reach) {
    }

    private static Found scan(VectorCollection c, Metric metric, double p, double limit, Neighbours neighbours, int i) {
        float[] query = c.vectors().row(i);
        List<ScoredRow> near = c.search().topK(query, metric, p, neighbours.first(), r -> r == i);
        boolean allClose = near.size() == neighbours.first() && near.get(near.size() - 1).distance() < limit;
        if (allClose && neighbours.cap() == null) {
            // many close neighbours: all of this image's distances in one exact pass
            double[] d = c.search().distances(query, metric, p);
            int count = 0;
            for (int j = i + 1; j < d.length; j++) {
                if (d[j] < limit) {
                    count++;
                }
            }
            int[] rows = new int[count];
            double[] distances = new double[count];
            for (int j = i + 1, k = 0; j < d.length; j++) {
                if (d[j] < limit) {
                    rows[k] = j;
                    distances[k++] = d[j];
                }
            }
            return new Found(rows, distances, false, Double.POSITIVE_INFINITY);
        }
        int asked = neighbours.first();
        if (allClose && neighbours.cap() > asked) {
            asked = neighbours.cap();
            near = c.search().topK(query, metric, p, asked, r -> r == i);
        }
        int count = 0;
        for (ScoredRow s : near) {
            if (!(s.distance() < limit)) {
                break;
            }
            if (neighbours.cap() != null || s.row() > i) {
                count++;
            }
        }
        int[] rows = new int[count];
        double[] distances = new double[count];
        int k = 0;
        for (ScoredRow s : near) {
            if (k == count) {
                break;
            }
            if (neighbours.cap() != null || s.row() > i) {
                rows[k] = s.row();
                distances[k++] = s.distance();
            }
        }
        boolean atCap = neighbours.cap() != null && near.size() == asked && asked == neighbours.cap()
                && near.get(near.size() - 1).distance() < limit;
        double reach = near.isEmpty() ? Double.POSITIVE_INFINITY : near.get(near.size() - 1).distance();
        return new Found(rows, distances, atCap, reach);
    }

    /** The scans' pairs taken in row order: counted, the closest kept, joined into groups. */
    private static final class Merge {
        final VectorCollection c;
        final boolean capped;
        final ClosestPairs kept;
        final int[] parent;
        final boolean[] paired;
        /** Per image already merged (capped scans): whether it hit the cap, and its farthest neighbour asked. */
        final boolean[] hitCap;
        final double[] reach;
        long total;
        int atCap;

        Merge(VectorCollection c, int n, int maxPairs, boolean capped) {
            this.c = c;
            this.capped = capped;
            this.kept = new ClosestPairs(maxPairs);
            this.parent = new int[n];
            this.paired = new boolean[n];
            for (int i = 0; i < n; i++) {
                parent[i] = i;
            }
            this.hitCap = capped ? new boolean[n] : null;
            this.reach = capped ? new double[n] : null;
        }

        void add(int i, Found f) {
            if (capped) {
                hitCap[i] = f.atCap();
                reach[i] = f.reach();
                if (f.atCap()) {
                    atCap++;
                }
            }
            for (int k = 0; k < f.rows().length; k++) {
                int j = f.rows()[k];
                double d = f.distances()[k];
                // a pair is counted in the scan of its first image; in the later one's only when the first could
                // not list it (its cap was reached nearer), so never twice
                if (j > i || (hitCap[j] && d > reach[j])) {
                    total++;
                    kept.offer(c, Math.min(i, j), Math.max(i, j), d);
                }
                join(parent, paired, i, j);
            }
        }
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

    /** The labels of the grouped images that have one, by id. */
    private static Map<String, String> labels(VectorCollection c, boolean[] paired) {
        Map<String, String> labels = new HashMap<>();
        for (int x = 0; x < paired.length; x++) {
            String label = paired[x] ? c.item(x).label() : null;
            if (label != null) {
                labels.put(c.item(x).id(), label);
            }
        }
        return Map.copyOf(labels);
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
