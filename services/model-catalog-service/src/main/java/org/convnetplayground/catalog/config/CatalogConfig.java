package org.convnetplayground.catalog.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** Every setting of the model-catalog-service; keys are {@code cnp.catalog.*}. */
@ConfigMapping(prefix = "cnp.catalog")
public interface CatalogConfig {

    /** The model store: one sub-folder per model holding {@code model.json} and its ONNX file. */
    @WithDefault("../shared/models")
    Path modelsDir();

    /** Where the catalog keeps its own files (caches of analysed graphs). */
    @WithDefault("data/catalog")
    Path dataDir();

    /** How many feature layers to offer first per model, spread from early to late, besides the embedding. */
    @WithDefault("7")
    int featureLayers();

    /** The largest ONNX file the catalog reads, in bytes. */
    @WithDefault("2000000000")
    long maxModelBytes();

    /** Threads that analyse models at start-up. */
    @WithDefault("2")
    int analysisThreads();
}
