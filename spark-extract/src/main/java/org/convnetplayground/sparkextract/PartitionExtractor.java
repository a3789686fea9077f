package org.convnetplayground.sparkextract;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.inference.image.ImageCodec;
import org.convnetplayground.inference.image.PreprocessingSpec;
import org.convnetplayground.inference.onnx.InferenceEngine;
import org.convnetplayground.inference.onnx.LayerOutput;

/**
 * Turns one partition of image files ({@code path}, {@code content} as Spark's binaryFile source gives them) into one
 * row per image: {@code id, label, vector} or, for an image that cannot be used, {@code id, label, failure}. As the
 * feature-service's extraction pipeline does: images are decoded and preprocessed into a batch of the configured size,
 * an unusable image's slot is zero-filled and reported, one forward pass runs per batch, and each usable row of the
 * layer's output is pooled. Rows stream out batch by batch; the partition holds one batch in memory.
 *
 * <p>The ONNX Runtime session is the executor's ({@link ExecutorEngine}), opened once per partition, never per row.
 */
final class PartitionExtractor implements MapPartitionsFunction<Row, Row> {

    /** What a partition gives back per image. */
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("label", DataTypes.StringType, true)
            .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add("failure", DataTypes.StringType, true);

    private final ExtractionTask task;
    private final Broadcast<byte[]> model;
    private final LongAccumulator done;
    private final LongAccumulator failed;

    /**
     * @param model the ONNX file's bytes, fetched by an executor only when it does not have the file yet
     */
    PartitionExtractor(ExtractionTask task, Broadcast<byte[]> model, LongAccumulator done, LongAccumulator failed) {
        this.task = task;
        this.model = model;
        this.done = done;
        this.failed = failed;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> files) {
        InferenceEngine engine = ExecutorEngine.get(task.engine());
        Path file = ExecutorEngine.modelFile(task.modelSha256(), model);
        InferenceEngine.Runner runner = engine.open(task.modelSha256(), file, task.inputName(),
                List.of(task.layer()));
        TaskContext context = TaskContext.get();
        if (context != null) {
            // the session stays loaded in the engine; only this partition's hold on it ends
            context.addTaskCompletionListener((TaskCompletionListener) c -> runner.close());
        }
        return new Batches(files, runner);
    }

    /** The rows of one partition, computed a batch at a time as they are asked for. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> files;
        private final InferenceEngine.Runner runner;
        private final ImageCodec codec = new ImageCodec(task.maxBytes(), task.maxPixels());
        private final PreprocessingSpec spec = task.preprocessing();
        private final int batchSize = Math.max(1, task.engine().batchSize());
        private final FloatBuffer input;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();

        Batches(Iterator<Row> files, InferenceEngine.Runner runner) {
            this.files = files;
            this.runner = runner;
            this.input = ByteBuffer.allocateDirect(batchSize * spec.floatsPerImage() * Float.BYTES)
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && files.hasNext()) {
                nextBatch();
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void nextBatch() {
            int per = spec.floatsPerImage();
            String[] ids = new String[batchSize];
            String[] failures = new String[batchSize];
            int count = 0;
            int usable = 0;
            while (count < batchSize && files.hasNext()) {
                Row file = files.next();
                String id = ImagePaths.id(task.root(), file.getString(0));
                if (id == null || !ImagePaths.isImage(id)) {
                    continue;
                }
                ids[count] = id;
                int offset = count * per;
                try {
                    codec.preprocess((byte[]) file.get(1), id, spec, input, offset);
                    usable++;
                } catch (DomainException e) {
                    failures[count] = e.getMessage();
                    input.put(offset, new float[per]);
                } catch (RuntimeException e) {
                    // whatever else one image does to the decoder, it is that image's failure, not the job's
                    failures[count] = "'" + id + "' could not be decoded: " + e;
                    input.put(offset, new float[per]);
                }
                count++;
            }
            if (count == 0) {
                return;
            }
            LayerOutput out = null;
            if (usable > 0) {
                FloatBuffer batch = input.duplicate().position(0).limit(count * per).slice();
                Map<String, LayerOutput> outputs = runner.run(batch, spec.tensorShape(count));
                out = outputs.get(task.layer());
            }
            for (int r = 0; r < count; r++) {
                String label = ImagePaths.label(ids[r]);
                if (failures[r] != null) {
                    ready.add(RowFactory.create(ids[r], label, null, failures[r]));
                    continue;
                }
                float[] vector = new float[task.dimension()];
                task.pooling().pool(out.shape(), out.data(), r, spec.channelsLast(), vector);
                ready.add(RowFactory.create(ids[r], label, vector, null));
            }
            done.add(usable);
            failed.add(count - usable);
        }
    }
}
