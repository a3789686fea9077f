package org.convnetplayground.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.convnetplayground.search.evaluation.Evaluation;
import org.convnetplayground.search.evaluation.RetrievalEvaluator;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.vectors.Metric;
import org.junit.jupiter.api.Test;

/** Large collections are evaluated on a sample of queries, stated with an interval that holds the full figure. */
class EvaluationSampleTest {

    @Test
    void aSampleOfQueriesStandsForAllWithAConfidenceInterval() throws Exception {
        int n = 2000;
        int d = 8;
        float[] data = Npy.clustered(n, d, 5);
        List<String> idLabel = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            idLabel.add("i" + i);
            // the label is the nearest centre's index, noisy: 20 classes
            idLabel.add("c" + (int) (data[i * d] * 5) % 20);
        }
        VectorCollection c = AnalysisMathTest.collection(data, d, idLabel.toArray(String[]::new));
        Evaluation all = RetrievalEvaluator.evaluate(c, Metric.COSINE, 3, 2, done -> { });
        assertNull(all.sample(), "every query ran");
        Evaluation sampled = RetrievalEvaluator.evaluate(c, Metric.COSINE, 3, 2, done -> { }, 1000, 400);
        assertEquals(400, sampled.queries());
        assertEquals(all.queries(), sampled.sample().of());
        assertTrue(sampled.sample().mapLow() <= all.map() && all.map() <= sampled.sample().mapHigh(),
                all.map() + " within " + sampled.sample());
        assertTrue(sampled.sample().mapHigh() - sampled.sample().mapLow() < 0.1, "a useful interval: " + sampled.sample());
        // below the threshold nothing changes
        assertEquals(all.map(), RetrievalEvaluator.evaluate(c, Metric.COSINE, 3, 2, done -> { }, 5000, 400).map());
    }
}
