package org.convnetplayground.catalog.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every setting of the model-catalog-service; keys are {@code cnp.catalog.*}. */
@ConfigMapping(prefix = "cnp.catalog")
public interface CatalogConfig {

    /** The shared model folder, read-only: one sub-folder per model holding {@code model.json} and its ONNX file. */
    @WithDefault("../shared/models")
    Path modelsDir();

    /** Where the catalog keeps its own files (caches of analysed graphs, its model store, partial downloads). */
    @WithDefault("data/catalog")
    Path dataDir();

    /** The catalog's writable model store: imported and downloaded models, one sub-folder per model. */
    @WithDefault("data/catalog/models")
    Path storeDir();

    /** Where partial downloads are kept until they are complete and verified, so a broken download can resume. */
    @WithDefault("data/catalog/downloads")
    Path downloadsDir();

    /** How many feature layers to offer first per model, spread from early to late, besides the embedding. */
    @WithDefault("7")
    int featureLayers();

    /**
     * The largest JSON request body (a download request with its model.json); a larger one is refused before it is
     * parsed.
     */
    @WithDefault("1M")
    io.quarkus.runtime.configuration.MemorySize maxJsonBodySize();

    /** The largest ONNX file the catalog reads, in bytes. */
    @WithDefault("2000000000")
    long maxModelBytes();

    /** The largest ONNX file that may be imported or downloaded into the store, in bytes. */
    @WithDefault("600000000")
    long maxImportBytes();

    /** Threads that analyse models at start-up; also how many imports are checked at once. */
    @WithDefault("2")
    int analysisThreads();

    /** Downloads running at once; more wait in the queue. */
    @WithDefault("2")
    int downloadThreads();

    /** How long a download may take to connect. */
    @WithDefault("PT20S")
    Duration downloadConnectTimeout();

    /** How long a download may wait for the response headers, and then for each next piece of the body. */
    @WithDefault("PT60S")
    Duration downloadReadTimeout();

    /** Where model downloads may come from, and how they follow redirects ({@code cnp.catalog.download.*}). */
    Download download();

    /**
     * Downloads reach public addresses only: this machine, private and link-local networks and the like are refused
     * before any connection (server-side request forgery), unless allowed here.
     */
    interface Download {

        /**
         * Host names (as written in URLs) a download may fetch from whatever addresses they resolve to, e.g. an
         * internal model mirror; none by default.
         */
        Optional<List<String>> allowedHosts();

        /**
         * Networks (CIDR blocks, e.g. 10.1.2.0/24 or fd00::/8) a download may fetch from although they are private,
         * loopback or otherwise not public; none by default.
         */
        Optional<List<String>> allowedNetworks();

        /** How many redirects a download follows; each one's address is checked like the first. */
        @WithDefault("5")
        int maxRedirects();
    }

    /** How long finished jobs stay visible at /api/catalog/jobs. */
    @WithDefault("PT1H")
    Duration jobRetention();

    /** A JSON file of zoo entries to offer instead of the built-in list (the {@code zoo.json} resource). */
    Optional<Path> zooFile();
}
