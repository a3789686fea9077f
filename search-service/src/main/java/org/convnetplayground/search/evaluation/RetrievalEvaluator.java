package org.convnetplayground.search.evaluation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.vectors.Metric;

/**
 * Leave-one-out retrieval evaluation of a collection. Rankings use the exact (SciPy) distances, ties broken by row
 * as in search results, so the numbers can be recomputed independently from the stored vectors.
 */
public final class RetrievalEvaluator {

    static final int[] CUTOFFS = {1, 5, 10, 20};
    /** Hits counted by the weighted share. */
    static final int WEIGHTED_DEPTH = 20;

    private RetrievalEvaluator() {
    }

    /**
     * @param threads  queries evaluated in parallel
     * @param progress called with the number of queries done so far
     */
    public static Evaluation evaluate(VectorCollection c, Metric metric, double p, int threads, IntConsumer progress)
            throws InterruptedException {
        return evaluate(c, metric, p, threads, progress, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * As {@link #evaluate(VectorCollection, Metric, double, int, IntConsumer)}, but when there are more than
     * {@code sampleAbove} queries a fixed pseudo-random sample of {@code sampleSize} of them is run, and the answer
     * states it with a confidence interval of the mAP (a collection of a million would otherwise rank a million times
     * a million distances).
     */
    public static Evaluation evaluate(VectorCollection c, Metric metric, double p, int threads, IntConsumer progress,
                                      int sampleAbove, int sampleSize) throws InterruptedException {
        long start = System.nanoTime();
        List<CollectionMeta.Item> items = c.meta().items();
        int n = items.size();
        int[] classOf = new int[n];
        Map<String, Integer> classIds = new HashMap<>();
        int[] classSize = new int[n];
        for (int i = 0; i < n; i++) {
            String label = items.get(i).label();
            classOf[i] = label == null ? -1 : classIds.computeIfAbsent(label, l -> classIds.size());
        }
        int[] sizes = new int[classIds.size()];
        for (int i = 0; i < n; i++) {
            if (classOf[i] >= 0) {
                sizes[classOf[i]]++;
            }
        }
        List<Integer> queries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            classSize[i] = classOf[i] < 0 ? 0 : sizes[classOf[i]];
            if (classOf[i] >= 0 && classSize[i] > 1) {
                queries.add(i);
            }
        }
        int allQueries = queries.size();
        if (allQueries > sampleAbove && sampleSize < allQueries) {
            java.util.Collections.shuffle(queries, new java.util.Random(11));
            queries = new ArrayList<>(queries.subList(0, sampleSize));
            java.util.Collections.sort(queries);
        }
        QueryScores[] scores = new QueryScores[n];
        var search = c.search();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> futures = new ArrayList<>();
            int chunk = Math.max(1, (queries.size() + threads * 4 - 1) / (threads * 4));
            for (int from = 0; from < queries.size(); from += chunk) {
                List<Integer> part = queries.subList(from, Math.min(queries.size(), from + chunk));
                futures.add(pool.submit(() -> {
                    for (int q : part) {
                        if (Thread.currentThread().isInterrupted()) {
                            return;
                        }
                        double[] d = search.distances(c.vectors().row(q), metric, p);
                        scores[q] = score(q, d, classOf, classSize[q] - 1);
                        progress.accept(done.incrementAndGet());
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("evaluation failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        Evaluation e = summarise(queries, scores, items, (System.nanoTime() - start) / 1e9);
        return queries.size() == allQueries ? e : withInterval(e, queries, scores, allQueries);
    }

    /** The sample's mAP with its 95% interval (normal approximation, finite-population correction). */
    private static Evaluation withInterval(Evaluation e, List<Integer> queries, QueryScores[] scores, int population) {
        double n = 0;
        double sum = 0;
        double squares = 0;
        for (int q : queries) {
            if (scores[q] != null) {
                double ap = scores[q].averagePrecision();
                n++;
                sum += ap;
                squares += ap * ap;
            }
        }
        double mean = n == 0 ? 0 : sum / n;
        double variance = n < 2 ? 0 : (squares - n * mean * mean) / (n - 1);
        double half = n < 2 ? 0 : 1.96 * Math.sqrt(Math.max(0, variance) / n)
                * Math.sqrt(Math.max(0, (population - n) / Math.max(1, population - 1)));
        return new Evaluation(e.queries(), e.map(), e.precisionAt(), e.recallAt(), e.weightedShare(), e.perClass(),
                e.seconds(), new Evaluation.Sample(population, Math.max(0, mean - half), Math.min(1, mean + half)));
    }

    /**
     * The scores of one query: its hits are every other row, nearest first (NaN last, ties by row). Every score
     * follows from the ranks of the relevant rows alone, so those are found by binary search in the sorted distances
     * instead of ordering all rows (a boxed sort was most of an evaluation's time).
     */
    static QueryScores score(int q, double[] d, int[] classOf, int relevant) {
        int n = d.length;
        double[] others = new double[n - 1];
        for (int i = 0, k = 0; i < n; i++) {
            if (i != q) {
                others[k++] = d[i];
            }
        }
        // Double.compare's order, as the search results: -0.0 before 0.0, NaN last
        java.util.Arrays.sort(others);
        int[] ranks = new int[relevant];
        int found = 0;
        for (int r = 0; r < n; r++) {
            if (r == q || classOf[r] != classOf[q]) {
                continue;
            }
            double x = d[r];
            int below = firstNotBelow(others, x);
            int rank = below + 1;
            if (below + 1 < others.length && Double.compare(others[below + 1], x) == 0) {
                // ties: rows before r at the same distance rank before it
                for (int j = 0; j < r; j++) {
                    if (j != q && Double.compare(d[j], x) == 0) {
                        rank++;
                    }
                }
            }
            ranks[found++] = rank;
        }
        java.util.Arrays.sort(ranks, 0, found);
        double precisionSum = 0;
        for (int i = 0; i < found; i++) {
            precisionSum += (double) (i + 1) / ranks[i];
        }
        double[] precisionAt = new double[CUTOFFS.length];
        double[] recallAt = new double[CUTOFFS.length];
        for (int c = 0; c < CUTOFFS.length; c++) {
            // fewer hits than a cutoff: precision counts the missing ones as misses, recall is what was found
            int hits = countAtMost(ranks, found, CUTOFFS[c]);
            precisionAt[c] = (double) hits / CUTOFFS[c];
            recallAt[c] = (double) hits / relevant;
        }
        double weights = 0;
        for (int rank = 1; rank <= Math.min(WEIGHTED_DEPTH, n - 1); rank++) {
            weights += WEIGHTED_DEPTH + 1 - rank;
        }
        double weighted = 0;
        for (int i = 0; i < found && ranks[i] <= WEIGHTED_DEPTH; i++) {
            weighted += WEIGHTED_DEPTH + 1 - ranks[i];
        }
        return new QueryScores(precisionSum / relevant, precisionAt, recallAt, weights == 0 ? 0 : weighted / weights);
    }

    /** The index of the first value not below {@code x} in Double.compare's order. */
    private static int firstNotBelow(double[] sorted, double x) {
        int lo = 0;
        int hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Double.compare(sorted[mid], x) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int countAtMost(int[] sortedRanks, int count, int cutoff) {
        int hits = 0;
        while (hits < count && sortedRanks[hits] <= cutoff) {
            hits++;
        }
        return hits;
    }

    private static Evaluation summarise(List<Integer> queries, QueryScores[] scores, List<CollectionMeta.Item> items,
                                        double seconds) {
        Map<String, List<QueryScores>> byClass = new TreeMap<>();
        List<QueryScores> all = new ArrayList<>();
        for (int q : queries) {
            if (scores[q] != null) {
                all.add(scores[q]);
                byClass.computeIfAbsent(items.get(q).label(), l -> new ArrayList<>()).add(scores[q]);
            }
        }
        Map<String, Evaluation.ClassScores> perClass = new LinkedHashMap<>();
        byClass.forEach((label, list) -> perClass.put(label, new Evaluation.ClassScores(list.size(),
                mean(list, s -> s.averagePrecision()), mean(list, s -> s.precisionAt()[2]),
                mean(list, s -> s.recallAt()[2]))));
        Map<String, Double> precision = new LinkedHashMap<>();
        Map<String, Double> recall = new LinkedHashMap<>();
        for (int c = 0; c < CUTOFFS.length; c++) {
            int cut = c;
            precision.put(Integer.toString(CUTOFFS[c]), mean(all, s -> s.precisionAt()[cut]));
            recall.put(Integer.toString(CUTOFFS[c]), mean(all, s -> s.recallAt()[cut]));
        }
        return new Evaluation(all.size(), mean(all, QueryScores::averagePrecision), precision, recall,
                mean(all, QueryScores::weightedShare), perClass, seconds);
    }

    private static double mean(List<QueryScores> list, java.util.function.ToDoubleFunction<QueryScores> f) {
        if (list.isEmpty()) {
            return 0;
        }
        double sum = 0;
        for (QueryScores s : list) {
            sum += f.applyAsDouble(s);
        }
        return sum / list.size();
    }

    record QueryScores(double averagePrecision, double[] precisionAt, double[] recallAt, double weightedShare) {
    }
}
