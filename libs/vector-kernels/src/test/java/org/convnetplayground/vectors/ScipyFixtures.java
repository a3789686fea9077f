package org.convnetplayground.vectors;

import java.util.Map;

/**
 * Expected distances produced by SciPy, so the tests compare against the reference the product
 * promises rather than against this library's own arithmetic.
 *
 * <p>GENERATED - do not edit. Regenerate from libs/vector-kernels with:
 * {@code python3 src/test/python/scipy_fixtures.py > src/test/java/org/convnetplayground/vectors/ScipyFixtures.java}
 * (numpy 2.4, scipy 1.17; values are {@code scipy.spatial.distance.cdist(query[None], rows, metric)}
 * on float64 copies of the float32 data).
 */
final class ScipyFixtures {
    private ScipyFixtures() {}

    /** One query against a few rows, with SciPy's distances per metric. */
    record Fixture(double p, float[][] rows, float[] query, Map<Metric, double[]> expected) {}

    // TINY: 6 rows x 3 dims, minkowski p = 3.0
    static final Fixture TINY = new Fixture(3.0,
        new float[][] {
            {1.0f, 0.0f, 0.0f},
            {0.0f, 1.0f, 0.0f},
            {1.0f, 1.0f, 0.0f},
            {0.0f, 0.0f, 0.0f},
            {0.0f, 1.0f, 0.0f},
            {2.0f, 2.0f, 2.0f},
        },
        new float[] {1.0f, 0.5f, 0.0f},
        Map.ofEntries(
            Map.entry(Metric.COSINE, new double[] {0.10557280900008414, 0.5527864045000421, 0.05131670194948623, Double.NaN, 0.5527864045000421, 0.2254033307585166}),
            Map.entry(Metric.EUCLIDEAN, new double[] {0.5, 1.118033988749895, 0.5, 1.118033988749895, 1.118033988749895, 2.692582403567252}),
            Map.entry(Metric.SQEUCLIDEAN, new double[] {0.25, 1.25, 0.25, 1.25, 1.25, 7.25}),
            Map.entry(Metric.MINKOWSKI, new double[] {0.5, 1.040041911525952, 0.5, 1.040041911525952, 1.040041911525952, 2.3130325045913707}),
            Map.entry(Metric.CITYBLOCK, new double[] {0.5, 1.5, 0.5, 1.5, 1.5, 4.5}),
            Map.entry(Metric.CHEBYSHEV, new double[] {0.5, 1.0, 0.5, 1.0, 1.0, 2.0}),
            Map.entry(Metric.CORRELATION, new double[] {0.13397459621556151, 1.0, 0.13397459621556151, Double.NaN, 1.0, Double.NaN}),
            Map.entry(Metric.CANBERRA, new double[] {1.0, 1.3333333333333333, 0.3333333333333333, 2.0, 1.3333333333333333, 1.9333333333333333}),
            Map.entry(Metric.BRAYCURTIS, new double[] {0.2, 0.6, 0.14285714285714285, 1.0, 0.6, 0.6})));

    // RANDOM_7: 5 rows x 7 dims, minkowski p = 3.0
    static final Fixture RANDOM_7 = new Fixture(3.0,
        new float[][] {
            {-0.08552002161741257f, -0.4287857413291931f, -2.8734865188598633f, 3.245161294937134f, 0.14668388664722443f, 1.3115754127502441f, 0.3509255051612854f},
            {-0.7204469442367554f, 0.8165372610092163f, -2.11755108833313f, 0.29387715458869934f, 0.563962459564209f, -0.9788869023323059f, -1.001405954360962f},
            {0.5715235471725464f, 0.5923842191696167f, -1.1419068574905396f, -1.4414286613464355f, 2.0934817790985107f, 0.5131748914718628f, 0.029452145099639893f},
            {-1.1681114435195923f, -0.8886144757270813f, -0.5583506226539612f, -0.5587007403373718f, -0.5734981298446655f, 2.0579957962036133f, 0.5782139897346497f},
            {-1.4174718856811523f, 0.46642810106277466f, -1.951805591583252f, -0.8602778315544128f, -0.38303422927856445f, 0.8844860196113586f, -1.2489265203475952f},
        },
        new float[] {-0.09521950036287308f, 0.08959376811981201f, -1.5028400421142578f, -0.4407140016555786f, 0.8814031481742859f, -0.009374193847179413f, -0.7594193816184998f},
        Map.ofEntries(
            Map.entry(Metric.COSINE, new double[] {0.6966157323574201, 0.19511860352373245, 0.2775835401626604, 0.9717465009698478, 0.3125456321756316}),
            Map.entry(Metric.EUCLIDEAN, new double[] {4.387567194468804, 1.7135142309564195, 2.0478177562380915, 3.3457419303794524, 2.2148057608974545}),
            Map.entry(Metric.SQEUCLIDEAN, new double[] {19.250745885978855, 2.93613101969017, 4.193557562764011, 11.193989064699224, 4.9053645585045516}),
            Map.entry(Metric.MINKOWSKI, new double[] {3.8453444724211874, 1.3034814855627859, 1.5723086345155186, 2.5875253581609665, 1.7525340491444792}),
            Map.entry(Metric.CITYBLOCK, new double[] {8.750614516437054, 4.230413109064102, 5.054680585861206, 7.973480984568596, 5.215420827269554}),
            Map.entry(Metric.CHEBYSHEV, new double[] {3.6858752965927124, 0.9695127084851265, 1.2120786309242249, 2.0673699900507927, 1.3222523853182793}),
            Map.entry(Metric.CORRELATION, new double[] {0.6194484249424461, 0.22702993311088315, 0.15777796231806362, 1.0276524922464412, 0.36908971098935106}),
            Map.entry(Metric.CANBERRA, new double[] {5.081508116457004, 4.076648037626386, 4.812851132672591, 5.425537433039285, 4.248030553559407}),
            Map.entry(Metric.BRAYCURTIS, new double[] {0.8382226171077892, 0.43686920457393574, 0.5108924872536633, 1.0408307804762886, 0.511006289507895})));

    // RANDOM_13: 6 rows x 13 dims, minkowski p = 1.5
    static final Fixture RANDOM_13 = new Fixture(1.5,
        new float[][] {
            {0.0f, 1.112606167793274f, 0.0f, 0.0f, 4.002204418182373f, 0.0f, 0.0f, 0.0f, 4.54442834854126f, 0.43880781531333923f, 5.06424617767334f, 7.388205528259277f, 0.0f},
            {1.1384230852127075f, 1.8277965784072876f, 8.941505432128906f, 1.825598955154419f, 5.1281609535217285f, 0.0f, 1.082417607307434f, 0.9673619866371155f, 2.5365242958068848f, 0.0f, 0.0f, 0.0f, 0.0f},
            {1.1381819248199463f, 0.3400454521179199f, 2.2614758014678955f, 4.584242820739746f, 0.0f, 0.0f, 0.7164146900177002f, 0.0f, 0.0f, 0.0f, 0.0f, 1.1021212339401245f, 0.0f},
            {1.6161656379699707f, 0.0f, 0.0f, 2.4491915702819824f, 0.0f, 4.143536567687988f, 0.0f, 0.0f, 1.0784846544265747f, 1.6301721334457397f, 0.0f, 0.0f, 0.0f},
            {2.8487319946289062f, 3.482283353805542f, 0.0f, 0.0f, 1.7040013074874878f, 0.0f, 0.6364129185676575f, 0.0f, 6.126380920410156f, 0.0f, 7.500570774078369f, 0.8737545609474182f, 2.91648268699646f},
            {0.5161792039871216f, 2.7131640911102295f, 3.6729249954223633f, 0.0f, 2.830280065536499f, 0.0f, 0.0f, 0.0f, 0.0f, 0.8320109844207764f, 0.0f, 1.3068958520889282f, 0.0f},
        },
        new float[] {0.0f, 1.9842653274536133f, 0.0f, 1.9013149738311768f, 0.0f, 0.347612202167511f, 2.982006788253784f, 0.0f, 0.0f, 0.34874027967453003f, 2.5949997901916504f, 1.1369370222091675f, 0.0f},
        Map.ofEntries(
            Map.entry(Metric.COSINE, new double[] {0.5580020024794976, 0.8125350476386521, 0.5248089415500059, 0.7535552914664337, 0.476829714792427, 0.7435110093814891}),
            Map.entry(Metric.EUCLIDEAN, new double[] {9.759154885868302, 11.261530276386887, 5.331218374474879, 6.401774890390115, 9.63299132298927, 6.474817024185112}),
            Map.entry(Metric.SQEUCLIDEAN, new double[] {95.24110408636716, 126.82206416597853, 28.421889356338575, 40.98272174722937, 92.79452182878657, 41.923255496677356}),
            Map.entry(Metric.MINKOWSKI, new double[] {12.842159559021232, 14.12039267442838, 7.1517685736596945, 8.72309025602474, 12.956196297428436, 8.630899503574792}),
            Map.entry(Metric.CITYBLOCK, new double[] {23.459808319807053, 25.272038996219635, 13.318565607070923, 17.018092036247253, 25.20562970638275, 16.22744631767273}),
            Map.entry(Metric.CHEBYSHEV, new double[] {6.25126850605011, 8.941505432128906, 2.6829278469085693, 3.7959243655204773, 6.126380920410156, 3.6729249954223633}),
            Map.entry(Metric.CORRELATION, new double[] {0.8746011118361283, 1.2902124672493591, 0.7775843077672346, 1.1616820860333446, 0.8016850437560148, 1.1797433446942998}),
            Map.entry(Metric.CANBERRA, new double[] {6.451490943030577, 9.528731500547476, 6.749211149602596, 7.6186786779281315, 8.539075404911465, 7.634006586174104}),
            Map.entry(Metric.BRAYCURTIS, new double[] {0.6931261746944274, 0.7273855188863084, 0.6212493240582591, 0.7661173611976503, 0.6742268358401301, 0.700445205102521})));

    // EDGE: 4 rows x 3 dims, minkowski p = 4.0
    static final Fixture EDGE = new Fixture(4.0,
        new float[][] {
            {0.0f, 0.0f, 0.0f},
            {-1.0f, -2.0f, -3.0f},
            {1.0f, 2.0f, 3.0f},
            {3.0f, 2.0f, 1.0f},
        },
        new float[] {1.0f, 2.0f, 3.0f},
        Map.ofEntries(
            Map.entry(Metric.COSINE, new double[] {Double.NaN, 2.0, 0.0, 0.2857142857142857}),
            Map.entry(Metric.EUCLIDEAN, new double[] {3.7416573867739413, 7.483314773547883, 0.0, 2.8284271247461903}),
            Map.entry(Metric.SQEUCLIDEAN, new double[] {14.0, 56.0, 0.0, 8.0}),
            Map.entry(Metric.MINKOWSKI, new double[] {3.1463462836457885, 6.292692567291577, 0.0, 2.378414230005442}),
            Map.entry(Metric.CITYBLOCK, new double[] {6.0, 12.0, 0.0, 4.0}),
            Map.entry(Metric.CHEBYSHEV, new double[] {3.0, 6.0, 0.0, 2.0}),
            Map.entry(Metric.CORRELATION, new double[] {Double.NaN, 1.9999999999999998, 2.220446049250313e-16, 1.9999999999999998}),
            Map.entry(Metric.CANBERRA, new double[] {3.0, 3.0, 0.0, 1.0}),
            Map.entry(Metric.BRAYCURTIS, new double[] {1.0, Double.POSITIVE_INFINITY, 0.0, 0.3333333333333333})));

    // ZERO_QUERY: 3 rows x 3 dims, minkowski p = 3.0
    static final Fixture ZERO_QUERY = new Fixture(3.0,
        new float[][] {
            {0.0f, 0.0f, 0.0f},
            {1.0f, 2.0f, 3.0f},
            {0.0f, 0.0f, 1.0f},
        },
        new float[] {0.0f, 0.0f, 0.0f},
        Map.ofEntries(
            Map.entry(Metric.COSINE, new double[] {Double.NaN, Double.NaN, Double.NaN}),
            Map.entry(Metric.EUCLIDEAN, new double[] {0.0, 3.7416573867739413, 1.0}),
            Map.entry(Metric.SQEUCLIDEAN, new double[] {0.0, 14.0, 1.0}),
            Map.entry(Metric.MINKOWSKI, new double[] {0.0, 3.3019272488946263, 1.0}),
            Map.entry(Metric.CITYBLOCK, new double[] {0.0, 6.0, 1.0}),
            Map.entry(Metric.CHEBYSHEV, new double[] {0.0, 3.0, 1.0}),
            Map.entry(Metric.CORRELATION, new double[] {Double.NaN, Double.NaN, Double.NaN}),
            Map.entry(Metric.CANBERRA, new double[] {0.0, 3.0, 1.0}),
            Map.entry(Metric.BRAYCURTIS, new double[] {Double.NaN, 1.0, 1.0})));

}
