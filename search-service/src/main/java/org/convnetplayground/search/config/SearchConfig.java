package org.convnetplayground.search.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;

/** Every setting of the search-service; keys are {@code cnp.search.*}. */
@ConfigMapping(prefix = "cnp.search")
public interface SearchConfig {

    /** Where collections are stored, one folder each. */
    @WithDefault("data/search")
    Path dataDir();

    /** Most bytes of vectors kept in memory; least recently used collections are dropped beyond it. */
    @WithDefault("2000000000")
    long cacheMaxBytes();

    /** Hits to return when a query does not say. */
    @WithDefault("50")
    int defaultK();

    /** The most hits a query may ask for. */
    @WithDefault("1000")
    int maxK();

    /** Background jobs (builds, evaluations, leaderboards, projections, duplicate scans) running at once. */
    @WithDefault("2")
    int jobThreads();

    /** Evaluations and duplicate scans of collections up to this size answer at once; larger ones run as jobs. */
    @WithDefault("1000")
    int synchronousLimit();

    /** Most points a projection shows; larger collections are sampled. */
    @WithDefault("2000")
    int projectionSample();

    /** How long finished build jobs stay visible to pollers. */
    @WithDefault("PT1H")
    Duration jobRetention();

    /**
     * Collections to build in the background at start-up when missing, as dataset/model/layer, so the first
     * visitor sees results at once.
     */
    java.util.Optional<java.util.List<String>> warmUp();

    /** How often a build polls its extraction job on the feature-service. */
    @WithDefault("PT0.2S")
    Duration pollInterval();
}
