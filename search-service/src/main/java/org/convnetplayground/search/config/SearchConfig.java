package org.convnetplayground.search.config;

import io.smallrye.config.ConfigMapping;
import io.quarkus.runtime.configuration.MemorySize;
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

    /**
     * The largest JSON request body, checked from its Content-Length and while it streams, before it is parsed
     * (uploads are multipart and have their own limits). The largest JSON bodies are query vectors: 16 MB holds a
     * flattened vector of about a million numbers.
     */
    @WithDefault("16M")
    MemorySize maxJsonBodySize();

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

    /**
     * Most bytes (estimated) of evaluations kept to answer repeated requests at once; beyond it the cache drops
     * those least likely to be asked again (Caffeine's W-TinyLFU).
     */
    @WithDefault("4000000")
    long evaluationCacheMaxBytes();

    /** Most bytes (estimated) of 2-D maps kept, as {@link #evaluationCacheMaxBytes()}. */
    @WithDefault("8000000")
    long projectionCacheMaxBytes();

    /** Most bytes (estimated) of duplicate scans kept, as {@link #evaluationCacheMaxBytes()}. */
    @WithDefault("16000000")
    long duplicatesCacheMaxBytes();

    /** Most bytes (estimated) of leaderboards kept, as {@link #evaluationCacheMaxBytes()}. */
    @WithDefault("4000000")
    long leaderboardCacheMaxBytes();

    /**
     * Most bytes (estimated) of similarity scales kept (a collection's median distance per metric and p, which
     * turns distances into percentages), as {@link #evaluationCacheMaxBytes()}.
     */
    @WithDefault("1000000")
    long similarityCacheMaxBytes();

    /** Pairs a duplicates answer lists when the request does not say (the closest; all are counted). */
    @WithDefault("10000")
    int duplicatesPairs();

    /** The most pairs a duplicates request may ask to list (maxPairs). */
    @WithDefault("100000")
    int duplicatesMaxPairs();

    /**
     * The most neighbours a duplicate scan of a large collection (one with an approximate index) asks of the index
     * for each image; an image with more close neighbours than this has only the nearest of them counted, and the
     * answer says how many images hit the cap ({@code imagesAtCap}: its total is then a lower bound). Without a cap a
     * dense group (many shots of one product) would make the scan one exact pass over the collection per image:
     * hours at 200,000 x 1,280. 50 because an index query takes max(min-candidates, k x oversample) graph candidates
     * (150 when this was measured, 300 now), the same at any k up to 50, so the scan asks each image once; a larger
     * cap costs 3 candidates a neighbour and a second query for every image at the cap. DuplicateScanBench (10,000 x 1,280 of make bench-scale's clustered
     * vectors, every image at the cap, 2 threads on a loaded 2-core machine): 0.67 ms a row at cap 8, 1.0 at 50, 1.75
     * at 100, against 24 ms a row for the scan with exact passes, whose passes grow with the rows; 200,000 rows at
     * cap 50 take minutes.
     */
    @WithDefault("50")
    int duplicatesNeighbours();

    /** How long finished build jobs stay visible to pollers. */
    @WithDefault("PT1H")
    Duration jobRetention();

    /**
     * Collections to build in the background at start-up when missing, as dataset/model/layer, so the first
     * visitor sees results at once.
     */
    java.util.Optional<java.util.List<String>> warmUp();

    /**
     * How long a build's request for new rows waits on the feature-service (long-poll) before it asks again; it is
     * answered at once when rows are written or the extraction ends, so this bounds only how soon a cancelled build
     * notices (at most 10 s, the feature-service's cap).
     */
    @WithDefault("PT2S")
    Duration extractionWait();

    /**
     * Collections with more labelled images than this are evaluated on a fixed random sample of
     * {@link #evaluationSample()} queries (stated in the answer with a confidence interval) instead of all of them.
     */
    @WithDefault("10000")
    int evaluationSampleAbove();

    /** Queries an evaluation samples above {@link #evaluationSampleAbove()}. */
    @WithDefault("2000")
    int evaluationSample();

    /** Approximate search (HNSW) and the crossover between exact and approximate answers. */
    Index index();

    /**
     * What answers approximate queries: {@code embedded} (a Lucene HNSW index in each large collection's folder) or
     * {@code solr} (every collection mirrored to a SolrCloud cluster, {@link #solr()}). Exact answers always come
     * from the service's own memory-mapped copy.
     */
    @WithDefault("embedded")
    Backend backend();

    /** The engines behind {@link #backend()}. */
    enum Backend {
        /** Lucene HNSW indexes in the service's data folder. */
        EMBEDDED,
        /** A SolrCloud cluster, one Solr collection per vector collection. */
        SOLR
    }

    /** The SolrCloud cluster of {@code backend=solr}. */
    Solr solr();

    /** Imports of vectors computed elsewhere (.npy + ids). */
    Imports imports();

    /** Keys {@code cnp.search.index.*}. */
    interface Index {

        /**
         * Collections with at least this many items get an HNSW index (built in the background; answered exactly
         * meanwhile), and {@code mode=auto} answers them approximately: below it an exact scan is as fast (measured
         * by make bench-scale: exact 0.63 us a row at 1,280 dimensions, approximate 4 ms at 100,000 rows).
         */
        @WithDefault("10000")
        int approximateFrom();

        /** HNSW neighbours per node (Lucene's M). */
        @WithDefault("16")
        int maxConn();

        /** HNSW candidates considered while inserting (efConstruction). */
        @WithDefault("100")
        int beamWidth();

        /** Keep int8 scalar-quantized vectors for the graph search (a quarter of the float bytes in memory). */
        @WithDefault("true")
        boolean quantized();

        /** Candidates taken from the graph per hit wanted, then re-ranked exactly. */
        @WithDefault("3")
        double oversample();

        /**
         * The fewest candidates taken from the graph (its search beam, efSearch). 300: the fewest that keep recall@50
         * at or above 0.95 at 1,000,000 rows in make bench-scale (0.948 at 150, 0.953 at 200, 0.955 at 300; in-service
         * p50 2.1-3.0 ms); at 500,000 rows 150 gave 0.970.
         */
        @WithDefault("300")
        int minCandidates();

        /** Threads building an index's graph; 0 = one per core. */
        @WithDefault("0")
        int buildThreads();

    }

    /** Keys {@code cnp.search.solr.*}. */
    interface Solr {

        /** Base URLs of Solr nodes ({@code http://host:8983/solr}), comma-separated; any live one tells the rest. */
        @WithDefault("http://127.0.0.1:8983/solr")
        java.util.List<String> urls();

        /** Shards of each Solr collection. */
        @WithDefault("2")
        int shards();

        /** Replicas of each shard (2: a collection keeps answering while one node is down). */
        @WithDefault("2")
        int replicas();

        /** The first part of the name of every Solr collection this service creates. */
        @WithDefault("cnp")
        String collectionPrefix();

        /** How long connecting to a Solr node may take. */
        @WithDefault("PT2S")
        Duration connectTimeout();

        /** The longest a query may wait for Solr before it fails with 503. */
        @WithDefault("PT10S")
        Duration queryTimeout();

        /** The longest one indexing batch, segment merge or collection-administration call may take. */
        @WithDefault("PT10M")
        Duration indexingTimeout();

        /**
         * Re-rank Solr's candidates with their vectors as Solr stores them (fetched with the hits) instead of the
         * service's own mapped copy of the same vectors: the same distances, 4 to 8 times slower (measured).
         */
        @WithDefault("false")
        boolean rerankFromSolr();

        /** Documents sent to Solr per update request while a collection is indexed. */
        @WithDefault("250")
        int batchSize();
    }

    /** Keys {@code cnp.search.imports.*}. */
    interface Imports {

        /** The largest import upload (vectors, ids and form fields together), in bytes. */
        @WithDefault("68719476736")
        long maxBytes();
    }
}
