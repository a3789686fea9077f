package org.convnetplayground.features.visualisation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.features.model.ModelInfo;
import org.convnetplayground.features.model.ModelRegistry;
import org.convnetplayground.features.onnx.GradientSessions;
import org.convnetplayground.onnx.gradient.GradientGraph;
import org.convnetplayground.onnx.gradient.GradientGraphs;
import org.convnetplayground.onnx.gradient.Objective;
import org.convnetplayground.onnx.graph.OnnxModel;

/**
 * Input gradients of a model, one image at a time: generates the backward graph of (model file, objective,
 * intermediate tensors) once, keeps it loaded through {@link GradientSessions}, and runs it. The graph's facts
 * (names and shapes) are kept by key without its bytes, so an evicted session is regenerated on demand.
 */
@ApplicationScoped
public class ModelGradients {

    private final ModelRegistry models;
    private final GradientSessions sessions;
    private final Map<String, Shape> shapes = new ConcurrentHashMap<>();

    @Inject
    public ModelGradients(ModelRegistry models, GradientSessions sessions) {
        this.models = models;
        this.sessions = sessions;
    }

    /** What a generated graph expects and gives. */
    private record Shape(String input, long[] inputShape, String objectiveInput, long[] objectiveShape,
                         long[] layerShape, Map<String, String> tensorGradients) {
    }

    /** One run's outputs. */
    public record Result(float[] objective, float[] gradient, Map<String, float[]> tensors,
                         Map<String, float[]> tensorGradients) {
    }

    /**
     * Opens the gradient graph of {@code objective} for one image of the model (and of {@code tensors}, whose values
     * and gradients each run returns too).
     *
     * @throws InvalidInputException (an UnsupportedOperatorException) when an operator on the way has no rule
     */
    public Handle open(ModelInfo model, Objective objective, List<String> tensors) {
        String key = model.sha256() + "|" + describe(objective) + "|" + String.join(",", tensors);
        long[] inputShape = model.preprocessing().tensorShape(1);
        Shape known = shapes.get(key);
        if (known == null) {
            GradientGraph g = generate(model, inputShape, objective, tensors);
            known = shapeOf(g);
            shapes.put(key, known);
            GradientSessions.Graph graph = sessions.open(key, g::model);
            return new Handle(graph, known);
        }
        return new Handle(sessions.open(key, () -> generate(model, inputShape, objective, tensors).model()), known);
    }

    private GradientGraph generate(ModelInfo model, long[] inputShape, Objective objective, List<String> tensors) {
        try {
            OnnxModel onnx = OnnxModel.read(models.file(model), Long.MAX_VALUE);
            return GradientGraphs.generate(onnx, inputShape, objective, tensors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.of("cannot differentiate model '" + model.id() + "' there: " + e.getMessage());
        }
    }

    private static Shape shapeOf(GradientGraph g) {
        return new Shape(g.input(), unbox(g.inputShape()), g.objectiveInput(), unbox(g.objectiveInputShape()),
                unbox(g.layerShape()), g.tensorGradients());
    }

    private static String describe(Objective o) {
        if (o instanceof Objective.ChannelMean c) {
            return "channel:" + c.layer() + ":" + c.channelsLast() + ":"
                    + (c.position() == null ? "" : c.position()[0] + "," + c.position()[1]);
        }
        if (o instanceof Objective.Similarity s) {
            return "similarity:" + s.layer() + ":" + s.channelsLast() + ":" + s.measure() + ":" + s.pooling();
        }
        return "weighted:" + o.layer() + ":" + o.channelsLast();
    }

    private static long[] unbox(List<Long> l) {
        return l.stream().mapToLong(Long::longValue).toArray();
    }

    /** A loaded gradient graph. Close it when done. */
    public static final class Handle implements AutoCloseable {
        private final GradientSessions.Graph graph;
        private final Shape shape;

        private Handle(GradientSessions.Graph graph, Shape shape) {
            this.graph = graph;
            this.shape = shape;
        }

        /** The objective layer's shape, batch first. */
        public long[] layerShape() {
            return shape.layerShape().clone();
        }

        /** Elements of the objective's own input: channels, or the reference vector's dimension. */
        public int objectiveSize() {
            long n = 1;
            for (long d : shape.objectiveShape()) {
                n *= d;
            }
            return (int) n;
        }

        /**
         * @param input          one preprocessed image in the model's layout
         * @param objectiveInput the channel weights or the reference vector
         */
        public Result run(float[] input, float[] objectiveInput) {
            Set<String> outputs = new HashSet<>(List.of(GradientGraph.OBJECTIVE, GradientGraph.GRADIENT));
            for (Map.Entry<String, String> e : shape.tensorGradients().entrySet()) {
                outputs.add(e.getKey());
                outputs.add(e.getValue());
            }
            Map<String, float[]> out = graph.run(Map.of(
                    shape.input(), new GradientSessions.Tensor(input, shape.inputShape()),
                    shape.objectiveInput(), new GradientSessions.Tensor(objectiveInput, shape.objectiveShape())),
                    outputs);
            Map<String, float[]> values = new LinkedHashMap<>();
            Map<String, float[]> grads = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : shape.tensorGradients().entrySet()) {
                values.put(e.getKey(), out.get(e.getKey()));
                grads.put(e.getKey(), out.get(e.getValue()));
            }
            return new Result(out.get(GradientGraph.OBJECTIVE), out.get(GradientGraph.GRADIENT), values, grads);
        }

        @Override
        public void close() {
            graph.close();
        }
    }
}
