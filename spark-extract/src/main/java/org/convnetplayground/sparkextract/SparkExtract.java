package org.convnetplayground.sparkextract;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.LongAccumulator;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.inference.image.ImageCodec;
import org.convnetplayground.inference.image.PreprocessingSpec;
import org.convnetplayground.inference.onnx.InferenceEngine;
import org.convnetplayground.inference.onnx.LayerOutput;
import org.convnetplayground.onnx.graph.OnnxModel;

/**
 * Bulk feature extraction on Apache Spark with exactly the feature-service's code (libs/image-inference): reads an
 * image folder tree from any Hadoop file system, decodes, preprocesses, infers and pools every image with one ONNX
 * Runtime session per executor, and writes {@code id, label, vector} as Parquet plus the {@code vectors.npy} and
 * {@code ids.txt} the search-service imports (and imports them when given its URL). Images that cannot be used are
 * listed in {@code failures.tsv}, never fatal.
 *
 * <p>Run with spark-submit on a cluster, or as a plain Java program with Spark on the class path (local[2] by
 * default); see the README.
 */
public final class SparkExtract {

    /** Larger flattened vectors are refused, as the feature-service refuses them (cnp.features.extraction). */
    static final int MAX_FLATTEN_DIMENSIONS = 200_000;

    private SparkExtract() {
    }

    /**
     * What a run did.
     *
     * @param images    images that became vectors
     * @param failed    images that could not be used
     * @param dimension values per vector
     * @param seconds   wall time of the extraction (from the first task to the last vector, Spark start excluded)
     * @param out       the output folder, qualified
     */
    public record Result(long images, long failed, int dimension, double seconds, String out) {
        /** Images per second, failed ones included (they were read and decoded too). */
        public double imagesPerSecond() {
            return (images + failed) / seconds;
        }
    }

    public static void main(String[] args) {
        JobOptions options;
        try {
            options = JobOptions.parse(args);
        } catch (JobFailure e) {
            System.err.println("spark-extract: " + e.getMessage());
            System.exit(2);
            return;
        }
        int code = 0;
        SparkSession spark = session(options);
        try {
            run(spark, options, System.out);
        } catch (JobFailure e) {
            System.err.println("spark-extract: " + e.getMessage());
            code = 1;
        } catch (IOException e) {
            System.err.println("spark-extract: " + e);
            code = 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 1;
        } finally {
            spark.stop();
        }
        System.exit(code);
    }

    /**
     * The Spark session for {@code options}: spark-submit's master when it set one, else {@code --master}, else
     * local[2]. Spark's console progress bar is on.
     */
    public static SparkSession session(JobOptions options) {
        SparkConf conf = new SparkConf();
        SparkSession.Builder builder = SparkSession.builder()
                .appName("convnet-playground extract " + options.modelName() + " " + options.layer())
                .config("spark.ui.showConsoleProgress", conf.get("spark.ui.showConsoleProgress", "true"));
        String master = options.master().orElse(conf.get("spark.master", "local[2]"));
        builder.master(master);
        if (master.startsWith("local") && !conf.contains("spark.driver.host")) {
            // everything runs on this machine: the driver listens on loopback only, not on the machine's address
            builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        return builder.getOrCreate();
    }

    /** Runs the job in {@code spark}, printing progress and figures to {@code out}. */
    public static Result run(SparkSession spark, JobOptions o, PrintStream out) throws IOException, InterruptedException {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Configuration hadoop = sc.hadoopConfiguration();
        String root = qualified(o.images(), hadoop);
        JobModel model = o.modelDir() != null ? JobModel.fromFolder(o.modelDir())
                : JobModel.fromCatalog(o.catalogUrl(), o.model(), Files.createTempDirectory("spark-extract-model"));
        ExtractionTask.EngineSettings engine = new ExtractionTask.EngineSettings(o.device(), o.threads(), o.batchSize());
        int dimension = dimension(model, o, engine);
        out.printf(Locale.ROOT, "spark-extract: %s, layer %s, pooling %s: %d values per image; images from %s%n",
                model.id(), o.layer(), o.pooling().id(), dimension, root);
        // the ONNX file travels as a broadcast value, which every cluster manager delivers (added files are not seen
        // by a session's isolated jobs); executors in this JVM use the driver's copy
        ExecutorEngine.knownModel(model.sha256(), model.file());
        Broadcast<byte[]> modelBytes = sc.broadcast(Files.readAllBytes(model.file()));
        ExtractionTask task = new ExtractionTask(root, model.sha256(), model.inputName(), model.preprocessing(),
                o.layer(), o.pooling(), dimension, engine, o.maxBytes(), o.maxPixels());

        Dataset<Row> files;
        try {
            files = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(root);
        } catch (Exception e) {
            // Spark's AnalysisException (checked, though Scala does not declare it) for a folder that is not there
            throw new JobFailure("cannot read the image folder " + root + ": " + e.getMessage());
        }
        List<String> listed = Arrays.stream(files.inputFiles())
                .map(f -> ImagePaths.id(root, new Path(URI.create(f)).toString()))
                .filter(id -> id != null && ImagePaths.isImage(id)).toList();
        long total = listed.size();
        if (total == 0) {
            throw new JobFailure("no image files under " + root + "; expected files named *."
                    + String.join(", *.", new java.util.TreeSet<>(ImagePaths.IMAGE_EXTENSIONS))
                    + ", in one sub-folder per class");
        }
        // too large by their size: listed without reading them, as the feature-service refuses them before reading
        List<String[]> failures = new ArrayList<>();
        for (Row r : files.filter(col("length").gt(o.maxBytes())).select("path", "length").collectAsList()) {
            String id = ImagePaths.id(root, r.getString(0));
            if (id != null && ImagePaths.isImage(id)) {
                failures.add(new String[] {id, "'" + id + "' is " + r.getLong(1) + " bytes; the limit is "
                        + o.maxBytes()});
            }
        }

        LongAccumulator done = sc.sc().longAccumulator("images done");
        LongAccumulator failed = sc.sc().longAccumulator("images failed");
        Dataset<Row> results = files.filter(col("length").leq(o.maxBytes())).select("path", "content")
                .mapPartitions(new PartitionExtractor(task, modelBytes, done, failed),
                        Encoders.row(PartitionExtractor.SCHEMA))
                .persist(StorageLevel.MEMORY_AND_DISK());
        out.printf(Locale.ROOT, "spark-extract: %d images in %d partitions, %s; batches of %d, %d ONNX Runtime "
                        + "thread%s per forward pass%n", total, results.rdd().getNumPartitions(),
                spark.sparkContext().master(), o.batchSize(), o.threads(), o.threads() == 1 ? "" : "s");
        warmUp(root, listed.get(0), model.preprocessing(), o, hadoop);
        long started = System.nanoTime();
        Progress progress = new Progress(out, total, done, failed, started, o.progressEvery());
        progress.start();
        long rows;
        try {
            rows = results.count();
        } finally {
            progress.interrupt();
            progress.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        progress.print();

        // sorted once and kept: the Parquet files and the .npy + ids pair are written from the same ordered rows.
        // Ranges of ids in as many partitions as the extraction had, not spark.sql.shuffle.partitions (200 by
        // default): the .npy is written a partition at a time, one Spark job each.
        Dataset<Row> vectors = results.filter(col("failure").isNull()).select("id", "label", "vector")
                .repartitionByRange(Math.max(1, results.rdd().getNumPartitions()), col("id"))
                .sortWithinPartitions("id")
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            OutputFiles output = new OutputFiles(o.out(), hadoop);
            long n = vectors.count();
            long tooLarge = failures.size();
            for (Row r : results.filter(col("failure").isNotNull()).select("id", "failure").collectAsList()) {
                failures.add(new String[] {r.getString(0), r.getString(1)});
            }
            if (rows + tooLarge < total) {
                failures.addAll(unread(spark, root, listed, results, failures, o, hadoop));
            }
            failures.sort(Comparator.comparing(f -> f[0]));
            output.writeFailures(failures);
            results.unpersist();
            if (n == 0) {
                throw new JobFailure("no image under " + root + " could be used (" + failures.size()
                        + " listed in " + output.path(OutputFiles.FAILURES) + "); first reason: " + failures.get(0)[1]);
            }
            vectors.write().mode(SaveMode.Overwrite).parquet(output.path("parquet").toString());
            output.writeVectors(n, dimension, vectors.toLocalIterator());
            Result result = new Result(n, failures.size(), dimension, seconds, output.dir().toString());
            out.printf(Locale.ROOT, "spark-extract: %d images -> %d vectors of %d, %d failed, in %.1f s = %.1f images/s"
                            + " (%s)%n", n + failures.size(), n, dimension, failures.size(), seconds,
                    result.imagesPerSecond(), spark.sparkContext().master());
            out.printf(Locale.ROOT, "spark-extract: wrote %s, %s, %s and %s%n", output.path("parquet"),
                    output.path(OutputFiles.VECTORS), output.path(OutputFiles.IDS), output.path(OutputFiles.FAILURES));
            if (o.searchUrl() != null) {
                JsonNode job = new SearchImport(o.searchUrl()).run(
                        SearchImport.fields(o.dataset(), model.id(), o.layer(), o.pooling().id()),
                        output.fileSystem(), output.path(OutputFiles.VECTORS), output.path(OutputFiles.IDS),
                        Duration.ofHours(6), out::println);
                out.printf(Locale.ROOT, "spark-extract: imported into %s as the collection of dataset '%s', model "
                                + "'%s', layer '%s', pooling %s (import job %s)%n", o.searchUrl(), o.dataset(),
                        model.id(), o.layer(), o.pooling().id(), job.path("id").asText());
            }
            return result;
        } finally {
            results.unpersist();
            vectors.unpersist();
            modelBytes.destroy();
        }
    }

    /**
     * The listed images that no partition was given: Spark hands out no empty files, and a file may vanish between the
     * listing and the reading. Found with an anti-join of the listing against the results, so only they reach the
     * driver; an empty one gets the feature-service's own words for an empty image.
     */
    private static List<String[]> unread(SparkSession spark, String root, List<String> listed, Dataset<Row> results,
                                         List<String[]> known, JobOptions o, Configuration hadoop) throws IOException {
        java.util.Set<String> tooLarge = new java.util.HashSet<>();
        known.forEach(f -> tooLarge.add(f[0]));
        List<Row> missing = spark.createDataset(listed, Encoders.STRING()).toDF("id")
                .join(results.select("id"), scala.jdk.javaapi.CollectionConverters.asScala(List.of("id")).toSeq(),
                        "left_anti")
                .collectAsList();
        ImageCodec codec = new ImageCodec(o.maxBytes(), o.maxPixels());
        List<String[]> out = new ArrayList<>();
        for (Row r : missing) {
            String id = r.getString(0);
            if (tooLarge.contains(id)) {
                continue;
            }
            Path file = new Path(root + "/" + id);
            FileSystem fs = file.getFileSystem(hadoop);
            if (fs.exists(file) && fs.getFileStatus(file).getLen() == 0) {
                try {
                    codec.size(new byte[0], id);
                } catch (DomainException empty) {
                    out.add(new String[] {id, empty.getMessage()});
                    continue;
                }
            }
            out.add(new String[] {id, "cannot read '" + id + "': it was listed but no longer there to read"});
        }
        return out;
    }

    /**
     * Checks the layer exists and pools to a usable vector, by running the model once on a blank image: the output's
     * real shape decides, as the feature-service's plan decides from the catalog's layer shapes.
     */
    private static int dimension(JobModel model, JobOptions o, ExtractionTask.EngineSettings settings)
            throws IOException {
        OnnxModel graph = OnnxModel.read(model.file(), Long.MAX_VALUE);
        if (!graph.graph().producedTensors().contains(o.layer())) {
            throw new JobFailure("unknown layer '" + o.layer() + "' for model '" + model.id() + "'; expected one of its "
                    + "feature layers " + model.featureLayers() + " or another tensor its graph computes");
        }
        PreprocessingSpec spec = model.preprocessing();
        FloatBuffer blank = ByteBuffer.allocateDirect(spec.floatsPerImage() * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        InferenceEngine engine = ExecutorEngine.get(settings);
        try (InferenceEngine.Runner runner = engine.open(model.sha256(), model.file(), model.inputName(),
                List.of(o.layer()))) {
            LayerOutput output = runner.run(blank, spec.tensorShape(1)).get(o.layer());
            List<Long> shape = new ArrayList<>();
            for (long d : output.shape()) {
                shape.add(shape.isEmpty() ? -1L : d);
            }
            long dim = o.pooling().dimension(shape, spec.channelsLast());
            if (dim <= 0) {
                throw new JobFailure("layer '" + o.layer() + "' has output shape " + shape + ", which cannot be pooled "
                        + "with '" + o.pooling().id() + "': avg and max need a 2-, 3- or 4-D output");
            }
            if (dim > MAX_FLATTEN_DIMENSIONS) {
                throw new JobFailure("invalid --pooling: '" + o.pooling().id() + "'; expected avg or max for layer '"
                        + o.layer() + "': flatten gives " + dim + " values per image, the limit is "
                        + MAX_FLATTEN_DIMENSIONS);
            }
            return (int) dim;
        } catch (DomainException e) {
            throw new JobFailure(e.getMessage());
        }
    }

    /**
     * Puts the first image through the codec before the clock starts, so that this JVM has loaded OpenCV's natives
     * (the executors' JVM in local mode), as the feature-service has when its job starts. An image that cannot be used
     * is left for the job to list.
     */
    private static void warmUp(String root, String id, PreprocessingSpec spec, JobOptions o, Configuration hadoop)
            throws IOException {
        Path file = new Path(root + "/" + id);
        FileSystem fs = file.getFileSystem(hadoop);
        if (fs.getFileStatus(file).getLen() > o.maxBytes()) {
            return;
        }
        byte[] bytes;
        try (var in = fs.open(file)) {
            bytes = in.readAllBytes();
        }
        FloatBuffer input = ByteBuffer.allocateDirect(spec.floatsPerImage() * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        try {
            new ImageCodec(o.maxBytes(), o.maxPixels()).preprocess(bytes, id, spec, input, 0);
        } catch (DomainException unusable) {
            // listed by the job like any other
        }
    }

    /** The image folder as Hadoop names the files under it (scheme and absolute path, no trailing '/'). */
    private static String qualified(String images, Configuration hadoop) throws IOException {
        Path path = new Path(images);
        if (path.toUri().getScheme() == null) {
            // a local path as typed: absolute and without "..", as the listing will name its files
            path = new Path(java.nio.file.Path.of(images).toAbsolutePath().normalize().toString());
        }
        FileSystem fs = path.getFileSystem(hadoop);
        String q = fs.makeQualified(path).toString();
        return q.endsWith("/") && q.length() > 1 ? q.substring(0, q.length() - 1) : q;
    }

    /** Prints images done and failed, from the job's accumulators, while the extraction runs. */
    private static final class Progress extends Thread {
        private final PrintStream out;
        private final long total;
        private final LongAccumulator done;
        private final LongAccumulator failed;
        private final long started;
        private final long everyMillis;

        Progress(PrintStream out, long total, LongAccumulator done, LongAccumulator failed, long started,
                 double everySeconds) {
            super("extract-progress");
            setDaemon(true);
            this.out = out;
            this.total = total;
            this.done = done;
            this.failed = failed;
            this.started = started;
            this.everyMillis = Math.max(100, Math.round(everySeconds * 1000));
        }

        @Override
        public void run() {
            try {
                while (!isInterrupted()) {
                    Thread.sleep(everyMillis);
                    print();
                }
            } catch (InterruptedException stopped) {
                // the extraction ended
            }
        }

        void print() {
            double seconds = (System.nanoTime() - started) / 1e9;
            long d = done.value();
            long f = failed.value();
            out.printf(Locale.ROOT, "spark-extract: %d of %d images done, %d failed, %.1f s, %.1f images/s%n",
                    d + f, total, f, seconds, (d + f) / Math.max(seconds, 1e-9));
        }
    }
}
