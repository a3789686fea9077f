package org.convnetplayground.catalog.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.convnetplayground.catalog.config.CatalogConfig;
import org.convnetplayground.onnx.graph.OnnxModel;
import org.jboss.logging.Logger;

/**
 * Reads one model folder into the model the catalog serves: its model.json, its ONNX file (which must lie inside the
 * folder's root, match its declared checksum and stay under the size limit), its labels, and its graph analysis.
 * Any failure is the folder's, told in an exception whose message says what is wrong with it.
 */
@ApplicationScoped
class ModelLoader {

    private static final Logger LOG = Logger.getLogger(ModelLoader.class);

    private final CatalogConfig config;
    private final AnalysisCache analyses;
    private final ObjectMapper json;

    @Inject
    ModelLoader(CatalogConfig config, AnalysisCache analyses, ObjectMapper json) {
        this.config = config;
        this.analyses = analyses;
        this.json = json;
    }

    /**
     * @param root   the shared models folder or the store, which every file the folder names must lie in
     * @param dir    the model's folder
     * @param id     its id
     * @param origin {@link CatalogModel#SHARED}, {@link CatalogModel#UPLOAD} or {@link CatalogModel#DOWNLOAD}
     * @param parsed the already parsed model, or null to read it when its analysis is not cached
     */
    CatalogModel load(Path root, Path dir, String id, String origin, OnnxModel parsed) throws IOException {
        byte[] metadataBytes = Files.readAllBytes(dir.resolve("model.json"));
        JsonNode node = json.readTree(metadataBytes);
        ModelMetadata meta = ModelJson.read(id, node);
        Path file = inside(root, dir.resolve(meta.file()), "file");
        if (!Files.isRegularFile(file)) {
            throw new IOException("its ONNX file " + meta.file() + " is missing");
        }
        long size = Files.size(file);
        if (size > config.maxModelBytes()) {
            throw new IOException("its ONNX file is " + size + " bytes; the limit is " + config.maxModelBytes());
        }
        String sha = Sha256.of(file);
        if (!meta.sha256().isEmpty() && !meta.sha256().equalsIgnoreCase(sha)) {
            throw new IOException("checksum mismatch: model.json declares sha256 " + meta.sha256()
                    + " but the file has " + sha);
        }
        List<String> labels = meta.labelsFile() == null ? List.of()
                : Files.readAllLines(inside(root, dir.resolve(meta.labelsFile()), "labels_file"), StandardCharsets.UTF_8)
                        .stream().filter(l -> !l.isBlank()).toList();
        if (meta.hasClassifier() && !labels.isEmpty() && labels.size() != meta.numClasses()) {
            throw new IOException("its labels file has " + labels.size() + " labels for " + meta.numClasses() + " classes");
        }
        AnalysisCache.Analysis analysis = analyses.get(meta, file, sha, metadataBytes, parsed);
        if (meta.declaredParameters() != null && meta.declaredParameters() != analysis.table().parameters()) {
            LOG.warnf("model '%s': model.json declares %d parameters, the graph has %d", id,
                    meta.declaredParameters(), analysis.table().parameters());
        }
        return new CatalogModel(meta, file, sha, size, analysis.opset(), analysis.inputName(), analysis.table(), labels,
                origin);
    }

    /** How a model of the store came: {@link CatalogModel#DOWNLOAD} or {@link CatalogModel#UPLOAD}. */
    String originOf(Path dir) {
        try {
            String how = json.readTree(dir.resolve("model.json").toFile()).path("catalog_import").path("how").asText("");
            return CatalogModel.DOWNLOAD.equals(how) ? CatalogModel.DOWNLOAD : CatalogModel.UPLOAD;
        } catch (IOException e) {
            return CatalogModel.UPLOAD;
        }
    }

    private static Path inside(Path root, Path candidate, String field) throws IOException {
        Path p = candidate.toAbsolutePath().normalize();
        if (!p.startsWith(root)) {
            throw new IOException("its " + field + " points outside the models directory");
        }
        return p;
    }
}
