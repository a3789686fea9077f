package org.convnetplayground.catalog.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import org.convnetplayground.catalog.config.CatalogConfig;
import org.convnetplayground.catalog.graph.LayerTable;
import org.convnetplayground.catalog.onnx.OrtSampleRun;
import org.convnetplayground.onnx.graph.GraphInput;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.jboss.logging.Logger;

/**
 * The part of loading a model that needs ONNX Runtime - every tensor's shape (and a sample run with finite numbers),
 * the layer table and the feature layers - kept on disk under the data directory, keyed by the ONNX file's checksum and the exact model.json text,
 * so that restarts are quick and a changed file or metadata is analysed afresh.
 */
@ApplicationScoped
class AnalysisCache {

    private static final Logger LOG = Logger.getLogger(AnalysisCache.class);
    /**
     * Bump when the analysis format, the feature-layer rule or the checks of the sample run change, to invalidate
     * cached analyses (5: models are refused when the sample run gives non-finite numbers or they name external data).
     */
    private static final String ANALYSIS_VERSION = "5";

    /** What is cached per model file and metadata. */
    record Analysis(long opset, String inputName, LayerTable table) {
    }

    private final CatalogConfig config;
    private final OrtSampleRun sampleRun;
    private final ObjectMapper json;

    @Inject
    AnalysisCache(CatalogConfig config, OrtSampleRun sampleRun, ObjectMapper json) {
        this.config = config;
        this.sampleRun = sampleRun;
        this.json = json;
    }

    /**
     * The analysis of a model file, from the cache when the file and its metadata are unchanged, else computed and
     * stored.
     *
     * @param parsed the already parsed model, or null to read {@code file} on a miss
     */
    Analysis get(ModelMetadata meta, Path file, String sha, byte[] metadataBytes, OnnxModel parsed) throws IOException {
        Path cached = fileOf(sha, metadataBytes);
        if (Files.isRegularFile(cached)) {
            try {
                return json.readValue(cached.toFile(), Analysis.class);
            } catch (IOException unreadable) {
                LOG.warnf("re-analysing '%s': its cached analysis is unreadable (%s)", meta.id(), unreadable.getMessage());
            }
        }
        Analysis analysis = analyse(meta, parsed != null ? parsed : OnnxModel.read(file, config.maxModelBytes()));
        Files.createDirectories(cached.getParent());
        Path tmp = Files.createTempFile(cached.getParent(), cached.getFileName().toString(), ".tmp");
        json.writeValue(tmp.toFile(), analysis);
        Files.move(tmp, cached, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return analysis;
    }

    /** Drops the cached analysis of a model that is gone. */
    void forget(String sha, byte[] metadataBytes) throws IOException {
        Files.deleteIfExists(fileOf(sha, metadataBytes));
    }

    private Analysis analyse(ModelMetadata meta, OnnxModel model) throws IOException {
        GraphInput input = model.graph().inputs().stream()
                .filter(i -> meta.inputName().isEmpty() || i.name().equals(meta.inputName()))
                .findFirst()
                .orElseThrow(() -> new IOException("its graph has no input named '" + meta.inputName() + "'"));
        Map<String, List<Long>> shapes = sampleRun.shapes(model, input, meta.preprocessing().inputSize(),
                "NHWC".equals(meta.preprocessing().layout()), meta.preprocessing().mean(), meta.preprocessing().std());
        LayerTable table = LayerTable.build(model.graph(), shapes, meta.namedLayers(), meta.numClasses(),
                config.featureLayers());
        return new Analysis(model.opsetVersion(), input.name(), table);
    }

    private Path fileOf(String sha, byte[] metadataBytes) {
        String key = Sha256.of(ANALYSIS_VERSION + "|" + sha + "|" + config.featureLayers() + "|"
                + new String(metadataBytes, StandardCharsets.UTF_8));
        return config.dataDir().resolve("analysis").resolve(key + ".json");
    }
}
