package org.convnetplayground.features.rest;

import static org.convnetplayground.features.FeatureTesting.CALTECH;
import static org.convnetplayground.features.FeatureTesting.MOBILENET_V2;
import static org.convnetplayground.features.FeatureTesting.awaitSucceeded;
import static org.convnetplayground.features.FeatureTesting.startedJob;
import static org.convnetplayground.features.FeatureTesting.vectors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.convnetplayground.features.CatalogService;
import org.junit.jupiter.api.Test;

/**
 * The real model through the whole pipeline (decode, centre crop, normalise, batch inference, pooling) reproduces the
 * retrieval quality published for it in ../shared/models/README.md.
 */
@QuarkusTest
@QuarkusTestResource(value = CatalogService.class, restrictToAnnotatedClass = false)
class RetrievalQualityTest {

    /**
     * MobileNet v2 [Conv2d_18] on caltech101-iconic200, leave-one-out cosine mAP, from ../shared/models/README.md;
     * global_pool is the global average pool of Conv2d_18, which is how the README pooled it.
     */
    private static final double PUBLISHED_MAP = 0.768;
    private static final double TOLERANCE = 0.03;

    @Test
    void mobileNetV2GlobalPoolOnCaltechIconicMatchesThePublishedLeaveOneOutMap() {
        String id = startedJob(CALTECH, MOBILENET_V2, List.of("global_pool"), "avg");
        JsonPath done = awaitSucceeded(id, Duration.ofSeconds(150));
        List<String> labels = done.getList("result.items.label", String.class);
        assertEquals(200, labels.size());
        float[][] vectors = vectors(id, "global_pool");
        assertEquals(1280, vectors[0].length);

        double map = leaveOneOutMeanAveragePrecision(vectors, labels);
        assertTrue(Math.abs(map - PUBLISHED_MAP) <= TOLERANCE,
                "leave-one-out cosine mAP " + map + ", published " + PUBLISHED_MAP + " +- " + TOLERANCE);
    }

    @Test
    void meanAveragePrecisionOfTinyHandCheckedCases() {
        // unit vectors a = (1, 0), b = (0.8, 0.6), c = (0, 1) (c given unnormalised: scale must not matter)
        // cosines: a.b = 0.8, b.c = 0.6, a.c = 0
        float[][] v = {{1, 0}, {0.8f, 0.6f}, {0, 5}};
        // labels x, x, y: a ranks b first (AP 1), b ranks a first (AP 1), c has no relevant image (skipped)
        assertEquals(1.0, leaveOneOutMeanAveragePrecision(v, List.of("x", "x", "y")), 1e-12);
        // labels x, y, x: a ranks b, then c (AP 1/2); c ranks b, then a (AP 1/2); b has none (skipped)
        assertEquals(0.5, leaveOneOutMeanAveragePrecision(v, List.of("x", "y", "x")), 1e-12);
    }

    /**
     * Each image queries the other images ranked by cosine similarity; relevant = same label. Average precision is the
     * mean over the relevant images of the precision at their rank; queries with no relevant image are skipped.
     */
    static double leaveOneOutMeanAveragePrecision(float[][] vectors, List<String> labels) {
        int n = vectors.length;
        double[][] unit = new double[n][];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (float x : vectors[i]) {
                norm += (double) x * x;
            }
            norm = Math.sqrt(norm);
            double[] u = new double[vectors[i].length];
            for (int k = 0; k < u.length; k++) {
                u[k] = vectors[i][k] / norm;
            }
            unit[i] = u;
        }
        double sum = 0;
        int queries = 0;
        for (int q = 0; q < n; q++) {
            double[] score = new double[n];
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < unit[q].length; k++) {
                    dot += unit[q][k] * unit[j][k];
                }
                score[j] = dot;
            }
            int query = q;
            List<Integer> ranked = IntStream.range(0, n).filter(j -> j != query).boxed()
                    .sorted(Comparator.comparingDouble((Integer j) -> -score[j]).thenComparing(j -> j)).toList();
            int hits = 0;
            double precisionSum = 0;
            for (int r = 0; r < ranked.size(); r++) {
                if (labels.get(ranked.get(r)).equals(labels.get(q))) {
                    hits++;
                    precisionSum += hits / (double) (r + 1);
                }
            }
            if (hits > 0) {
                sum += precisionSum / hits;
                queries++;
            }
        }
        return sum / queries;
    }
}
