package org.convnetplayground.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.duplicates.DuplicateFinder;
import org.convnetplayground.search.duplicates.Duplicates;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.Test;

/**
 * Duplicate scans on many threads give the answer of one thread; a scan with a neighbour cap (here over exact
 * neighbours, so the expected answer is known) counts each pair of the images' capped neighbour lists once.
 */
class DuplicateScanTest {

    /** 600 points in 2-D: dense blobs of 5 to 40 points (many images with more close neighbours than a cap of 6). */
    static VectorCollection blobs() {
        Random random = new Random(3);
        int n = 600;
        float[] values = new float[2 * n];
        String[] idLabel = new String[2 * n];
        int i = 0;
        while (i < n) {
            float cx = random.nextFloat() * 100;
            float cy = random.nextFloat() * 100;
            int size = Math.min(n - i, 5 + random.nextInt(36));
            for (int k = 0; k < size; k++, i++) {
                values[2 * i] = cx + (float) random.nextGaussian() * 0.3f;
                values[2 * i + 1] = cy + (float) random.nextGaussian() * 0.3f;
                idLabel[2 * i] = String.format("img-%04d", i * 7919 % n);
                idLabel[2 * i + 1] = "x";
            }
        }
        return AnalysisMathTest.collection(values, 2, idLabel);
    }

    @Test
    void manyThreadsGiveTheAnswerOfOne() throws Exception {
        VectorCollection c = blobs();
        for (DuplicateFinder.Neighbours asked : List.of(DuplicateFinder.Neighbours.EXACT,
                DuplicateFinder.Neighbours.capped(2, 6))) {
            Duplicates one = DuplicateFinder.find(c, Metric.EUCLIDEAN, 3, 0.5, 10, 300, asked, 1, null);
            List<Integer> progress = new ArrayList<>();
            for (int run = 0; run < 3; run++) {
                progress.clear();
                Duplicates many = DuplicateFinder.find(c, Metric.EUCLIDEAN, 3, 0.5, 10, 300, asked, 3, progress::add);
                assertEquals(one, many, asked.toString());
            }
            assertEquals(600, progress.size());
            for (int k = 0; k < progress.size(); k++) {
                assertEquals(k + 1, progress.get(k), "progress in row order");
            }
            assertTrue(one.truncated(), "more pairs than listed: the kept ones do not depend on timing either");
        }
    }

    @Test
    void aProgressThatThrowsStopsTheScan() {
        VectorCollection c = blobs();
        List<Integer> progress = new ArrayList<>();
        IllegalStateException stop = assertThrows(IllegalStateException.class, () -> DuplicateFinder.find(c,
                Metric.EUCLIDEAN, 3, 0.5, 10, 300, DuplicateFinder.Neighbours.capped(2, 6), 3, done -> {
                    progress.add(done);
                    if (done == 50) {
                        throw new IllegalStateException("cancelled");
                    }
                }));
        assertEquals("cancelled", stop.getMessage());
        assertEquals(50, progress.size(), "no progress after the stop");
    }

    @Test
    void aCappedScanCountsEachPairOfTheNeighbourListsOnce() throws Exception {
        VectorCollection c = blobs();
        int n = c.meta().size();
        int cap = 6;
        double limit = 0.5;
        Duplicates exact = DuplicateFinder.find(c, Metric.EUCLIDEAN, 3, limit, 10, Integer.MAX_VALUE,
                DuplicateFinder.Neighbours.EXACT, 2, null);
        Duplicates capped = DuplicateFinder.find(c, Metric.EUCLIDEAN, 3, limit, 10, Integer.MAX_VALUE,
                DuplicateFinder.Neighbours.capped(2, cap), 2, null);
        assertNull(exact.neighbourCap());
        assertEquals(0, exact.imagesAtCap());
        assertEquals(cap, capped.neighbourCap());

        // by brute force: each image's cap nearest (no ties among random floats) below the limit
        Set<String> edges = new HashSet<>();
        Set<String> all = new HashSet<>();
        int atCap = 0;
        for (int i = 0; i < n; i++) {
            float[] q = c.vectors().row(i);
            List<double[]> near = new ArrayList<>();
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    double d = Metric.EUCLIDEAN.distance(q, c.vectors().row(j), 3);
                    near.add(new double[] {d, j});
                    if (d < limit) {
                        all.add(Math.min(i, j) + " " + Math.max(i, j));
                    }
                }
            }
            near.sort(Comparator.comparingDouble((double[] x) -> x[0]));
            for (int k = 0; k < cap && near.get(k)[0] < limit; k++) {
                int j = (int) near.get(k)[1];
                edges.add(Math.min(i, j) + " " + Math.max(i, j));
            }
            atCap += near.get(cap - 1)[0] < limit ? 1 : 0;
        }
        assertEquals(all.size(), exact.total(), "the exact scan counts every pair");
        assertEquals(atCap, capped.imagesAtCap());
        assertTrue(atCap > 100, "many images are at the cap: " + atCap);
        assertEquals(edges.size(), capped.total(), "each pair of the capped neighbour lists counted once");
        assertTrue(capped.total() < exact.total(), "a lower bound");
        assertEquals(capped.total(), capped.pairs().size());
        Set<String> listed = new HashSet<>();
        for (Duplicates.Pair p : capped.pairs()) {
            assertTrue(listed.add(p.a() + " " + p.b()), "listed once: " + p);
        }
        // every blob joins through the neighbours found, as in the exact scan
        assertEquals(exact.groups(), capped.groups());
        assertEquals(n, capped.scanned());
    }
}
