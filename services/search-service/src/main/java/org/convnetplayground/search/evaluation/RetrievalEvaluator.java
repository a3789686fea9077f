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
import org.convnetplayground.vectors.ExactSearch;
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
        QueryScores[] scores = new QueryScores[n];
        ExactSearch search = c.search();
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
        return summarise(queries, scores, items, (System.nanoTime() - start) / 1e9);
    }

    /** The scores of one query: its hits are every other row, nearest first (NaN last, ties by row). */
    static QueryScores score(int q, double[] d, int[] classOf, int relevant) {
        int n = d.length;
        Integer[] order = new Integer[n - 1];
        for (int i = 0, k = 0; i < n; i++) {
            if (i != q) {
                order[k++] = i;
            }
        }
        java.util.Arrays.sort(order, (a, b) -> {
            double x = d[a];
            double y = d[b];
            boolean nx = Double.isNaN(x);
            boolean ny = Double.isNaN(y);
            if (nx != ny) {
                return nx ? 1 : -1;
            }
            int c = nx ? 0 : Double.compare(x, y);
            return c != 0 ? c : Integer.compare(a, b);
        });
        double precisionSum = 0;
        int hits = 0;
        double[] precisionAt = new double[CUTOFFS.length];
        double[] recallAt = new double[CUTOFFS.length];
        double weighted = 0;
        double weights = 0;
        for (int rank = 1; rank <= order.length; rank++) {
            boolean rel = classOf[order[rank - 1]] == classOf[q];
            if (rel) {
                hits++;
                precisionSum += (double) hits / rank;
            }
            if (rank <= WEIGHTED_DEPTH) {
                double w = WEIGHTED_DEPTH + 1 - rank;
                weights += w;
                weighted += rel ? w : 0;
            }
            for (int c = 0; c < CUTOFFS.length; c++) {
                if (rank == CUTOFFS[c]) {
                    precisionAt[c] = (double) hits / rank;
                    recallAt[c] = (double) hits / relevant;
                }
            }
        }
        // fewer hits than a cutoff: precision counts the missing ones as misses, recall is what was found
        for (int c = 0; c < CUTOFFS.length; c++) {
            if (CUTOFFS[c] > order.length) {
                precisionAt[c] = (double) hits / CUTOFFS[c];
                recallAt[c] = (double) hits / relevant;
            }
        }
        return new QueryScores(precisionSum / relevant, precisionAt, recallAt, weights == 0 ? 0 : weighted / weights);
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
