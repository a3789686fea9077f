package org.convnetplayground.sparkextract;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.inference.Pooling;

/**
 * The job's command line: {@code --name value} pairs. Every option has a default but the image folder, the model, the
 * layer and the output folder; an unknown or malformed option stops the job naming the valid ones.
 *
 * @param images        the image folder tree, any Hadoop file system path (file:, hdfs:, s3a:); class sub-folders
 *                      give the labels
 * @param modelDir      a model folder (model.json and its ONNX file), or null with {@code catalogUrl}
 * @param catalogUrl    the model-catalog-service to fetch {@code model} from, or null with {@code modelDir}
 * @param model         the catalog's model id (with {@code catalogUrl})
 * @param layer         the layer to pool
 * @param pooling       avg, max or flatten
 * @param out           the output folder, any Hadoop file system path
 * @param master        the Spark master when the job is not started by spark-submit (local[2] by default)
 * @param device        cpu, cuda, cuda:N or auto
 * @param threads       ONNX Runtime intra-op threads per forward pass
 * @param batchSize     images per forward pass
 * @param maxBytes      the largest image file taken
 * @param maxPixels     the most pixels an image may have
 * @param searchUrl     the search-service to import the vectors into, or null
 * @param dataset       the imported collection's dataset name (the image folder's name by default)
 * @param progressEvery seconds between progress lines
 */
record JobOptions(String images, Path modelDir, String catalogUrl, String model, String layer, Pooling pooling,
                  String out, Optional<String> master, String device, int threads, int batchSize, long maxBytes,
                  long maxPixels, String searchUrl, String dataset, double progressEvery) {

    /** Every option, with what it takes. */
    static final Map<String, String> OPTIONS = options();

    private static Map<String, String> options() {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("--images", "the image folder tree (any Hadoop path: /data/x, file:/data/x, hdfs://nn/x, s3a://bucket/x)");
        o.put("--model-dir", "a model folder holding model.json and its ONNX file (as in ../shared/models)");
        o.put("--catalog", "the model-catalog-service URL, to fetch --model from (instead of --model-dir)");
        o.put("--model", "the catalog's model id (with --catalog)");
        o.put("--layer", "the layer whose output becomes the vector");
        o.put("--pooling", "avg (default), max or flatten");
        o.put("--out", "the output folder (any Hadoop path): parquet/, vectors.npy, ids.txt, failures.tsv");
        o.put("--master", "the Spark master when not set by spark-submit: local[2] (default), local-cluster[2,1,1024], ...");
        o.put("--device", "cpu (default), cuda, cuda:N or auto");
        o.put("--threads", "ONNX Runtime intra-op threads per forward pass (default 1: one pass per task slot)");
        o.put("--batch-size", "images per forward pass (default 16, as the feature-service on a CPU)");
        o.put("--max-image-bytes", "the largest image file taken (default 26214400, as the feature-service)");
        o.put("--max-image-pixels", "the most pixels an image may have (default 50000000, as the feature-service)");
        o.put("--search-url", "the search-service URL: import the vectors there as a collection when done");
        o.put("--dataset", "the imported collection's dataset name (default: the image folder's name)");
        o.put("--progress-seconds", "seconds between progress lines (default 2)");
        return java.util.Collections.unmodifiableMap(o);
    }

    static JobOptions parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (!OPTIONS.containsKey(name)) {
                throw new JobFailure("unknown option '" + name + "'; expected one of " + OPTIONS.keySet() + "\n"
                        + usage());
            }
            if (i + 1 >= args.length || args[i + 1].isEmpty()) {
                throw new JobFailure("option " + name + " needs a value: " + OPTIONS.get(name));
            }
            given.put(name, args[++i]);
        }
        String images = required(given, "--images");
        String layer = required(given, "--layer");
        String out = required(given, "--out");
        Path modelDir = given.containsKey("--model-dir") ? Path.of(given.get("--model-dir")) : null;
        String catalog = given.get("--catalog");
        String model = given.get("--model");
        if ((modelDir == null) == (catalog == null)) {
            throw new JobFailure("give the model either as --model-dir DIR or as --catalog URL --model ID");
        }
        if (catalog != null && model == null) {
            throw new JobFailure("--catalog needs --model: the catalog's model id");
        }
        Pooling pooling;
        try {
            pooling = Pooling.parse(given.get("--pooling"));
        } catch (DomainException e) {
            throw new JobFailure(e.getMessage());
        }
        String dataset = given.getOrDefault("--dataset", lastSegment(images));
        return new JobOptions(images, modelDir, catalog, model, layer, pooling, out,
                Optional.ofNullable(given.get("--master")), given.getOrDefault("--device", "cpu"),
                integer(given, "--threads", 1, 1), integer(given, "--batch-size", 16, 1),
                longer(given, "--max-image-bytes", 26_214_400L), longer(given, "--max-image-pixels", 50_000_000L),
                given.get("--search-url"), dataset, decimal(given, "--progress-seconds", 2.0));
    }

    /** The options, one a line, for messages. */
    static String usage() {
        StringBuilder b = new StringBuilder("options:\n");
        OPTIONS.forEach((k, v) -> b.append("  ").append(k).append(" ... ").append(v).append('\n'));
        return b.toString();
    }

    /** What the model is called in messages and in the imported collection. */
    String modelName() {
        return model != null ? model : modelDir.toAbsolutePath().normalize().getFileName().toString();
    }

    private static String required(Map<String, String> given, String name) {
        String v = given.get(name);
        if (v == null) {
            throw new JobFailure("missing " + name + ": " + OPTIONS.get(name) + "\n" + usage());
        }
        return v;
    }

    private static int integer(Map<String, String> given, String name, int fallback, int min) {
        long v = longer(given, name, fallback);
        if (v < min || v > Integer.MAX_VALUE) {
            throw new JobFailure("invalid " + name + ": '" + given.get(name) + "'; expected a whole number from " + min);
        }
        return (int) v;
    }

    private static long longer(Map<String, String> given, String name, long fallback) {
        String v = given.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n < 1) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new JobFailure("invalid " + name + ": '" + v + "'; expected a whole number from 1");
        }
    }

    private static double decimal(Map<String, String> given, String name, double fallback) {
        String v = given.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            double d = Double.parseDouble(v.trim());
            if (!(d > 0 && d < 86_400)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new JobFailure("invalid " + name + ": '" + v + "'; expected seconds, more than 0");
        }
    }

    private static String lastSegment(String path) {
        List<String> parts = List.of(path.replaceAll("/+$", "").split("/"));
        return parts.isEmpty() ? path : parts.get(parts.size() - 1);
    }
}
