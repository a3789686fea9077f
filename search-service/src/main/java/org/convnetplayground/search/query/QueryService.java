package org.convnetplayground.search.query;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.search.build.CollectionBuilder;
import org.convnetplayground.search.build.CollectionUpdater;
import org.convnetplayground.search.build.ModelVersions;
import org.convnetplayground.search.build.PartialCollection;
import org.convnetplayground.search.collection.CollectionMeta;
import org.convnetplayground.search.collection.VectorCollection;
import org.convnetplayground.search.features.FeatureService;
import org.convnetplayground.search.index.IndexAnswer;
import org.convnetplayground.search.index.IndexQuery;
import org.convnetplayground.search.index.IndexService;
import org.convnetplayground.search.index.SearchMode;
import org.convnetplayground.search.index.VectorIndex;
import org.convnetplayground.search.ranking.Hit;
import org.convnetplayground.search.ranking.Ranker;

/**
 * Answers queries: by an item of the collection, by an uploaded image or by a raw vector. A collection that does
 * not exist yet is built on demand and the caller gets the build job to wait for, with the hits among the images
 * stored so far (partial results, which the complete answer replaces).
 */
@ApplicationScoped
public class QueryService {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(QueryService.class);

    private final CollectionBuilder builder;
    private final FeatureService features;
    private final Ranker ranker;
    private final CollectionUpdater updater;
    private final ModelVersions models;
    private final IndexService indexes;

    @Inject
    public QueryService(CollectionBuilder builder, FeatureService features, Ranker ranker,
                        CollectionUpdater updater, ModelVersions models, IndexService indexes) {
        this.indexes = indexes;
        this.models = models;
        this.builder = builder;
        this.features = features;
        this.ranker = ranker;
        this.updater = updater;
    }

    /** Either the hits, or the job building the collection. */
    public sealed interface Outcome permits Results, Building {
    }

    /**
     * @param collection the collection ranked
     * @param query      the query item (id and label), or the upload's name with no label
     * @param hits       nearest first
     * @param tookMs     time spent ranking
     * @param mode       how the hits were found: exact or approximate
     * @param modeNote   why that differs from the mode asked for, or null
     */
    public record Results(CollectionMeta collection, QueryParameters parameters, Query query, List<Hit> hits,
                          double tookMs, Job<?> updating, SearchMode mode, String modeNote) implements Outcome {
    }

    /**
     * @param job     the job to wait for
     * @param partial while the collection itself is being built: the hits among the images stored so far (null when
     *                the job is something else, such as an update the query has to wait for)
     */
    public record Building(Job<?> job, Partial partial) implements Outcome {
        public Building(Job<?> job) {
            this(job, null);
        }
    }

    /**
     * The nearest items among those a build has stored so far, ranked exactly.
     *
     * @param done  images searched: those whose vectors are stored so far
     * @param total images in the dataset being extracted (0 while the extraction has not started)
     * @param hits  nearest first (none while no image is stored yet)
     */
    public record Partial(int done, long total, List<Hit> hits) {

        static final Partial NOTHING_YET = new Partial(0, 0, List.of());

        /** The fraction of the dataset searched, 0 to 1. */
        public double fraction() {
            return total <= 0 ? 0 : Math.min(1, (double) done / total);
        }
    }

    /** What the query was: an item of the collection (id, label) or an upload (its file name). */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record Query(String id, String label, String upload) {
    }

    /** The longest item id a collection holds (the limit of imported ids too). */
    public static final int MAX_ID = 1024;

    /** Nearest items to item {@code queryId} of the collection, the item itself left out. */
    public Outcome byItem(QueryParameters q, String queryId) {
        return byItem(q, queryId, SearchMode.AUTO);
    }

    /** As {@link #byItem(QueryParameters, String)}, found as {@code mode} says. */
    public Outcome byItem(QueryParameters q, String queryId, SearchMode mode) {
        if (queryId == null || queryId.isBlank()) {
            throw InvalidInputException.missing("queryId", "the id of an image of the dataset (its path, e.g. 'elephant/image_0001.jpg')");
        }
        if (queryId.length() > MAX_ID) {
            // no collection holds such an id, and it would not fit in the feature-service's URL either
            throw InvalidInputException.invalid("queryId", queryId, "the id of an image of the dataset, at most "
                    + MAX_ID + " characters (its path, e.g. 'elephant/image_0001.jpg')");
        }
        Optional<VectorCollection> found = models.current(q.key());
        if (found.isEmpty()) {
            features.requireImage(q.key().dataset(), queryId);
            Job<?> job = build(q);
            return new Building(job, partial(q, queryId, (building, rows) -> rows.row(queryId).isPresent()
                    ? rows.vectors().row(rows.row(queryId).getAsInt())
                    : building.queryVector(queryId).orElseGet(() -> embedForPartial(q, queryId, building))));
        }
        VectorCollection c = found.get();
        java.util.OptionalInt foundRow = c.row(queryId);
        if (foundRow.isEmpty() && !c.meta().isImported()) {
            // an id the dataset lacks too is a mistake (404 at once); one it has may be an image added just now
            features.requireImage(q.key().dataset(), queryId);
        }
        // then the version is checked afresh
        Optional<Job<?>> updating = updater.refreshIfStale(c, foundRow.isEmpty());
        if (foundRow.isEmpty() && updating.isPresent()) {
            // perhaps an image added since the collection was built: wait for the update
            return new Building(updating.get());
        }
        int row = foundRow.orElseThrow(() -> c.unknownItem(queryId));
        CollectionMeta.Item item = c.item(row);
        return rank(c, q, c.vectors().row(row), item.id(), new Query(item.id(), item.label(), null),
                updating.orElse(null), mode);
    }

    /** Nearest items to an uploaded image, embedded by the feature-service with the collection's model and layer. */
    public Outcome byUpload(QueryParameters q, Path image, String fileName) {
        return byUpload(q, image, fileName, SearchMode.AUTO);
    }

    /** As {@link #byUpload(QueryParameters, Path, String)}, found as {@code mode} says. */
    public Outcome byUpload(QueryParameters q, Path image, String fileName, SearchMode mode) {
        // embedded first, so an upload that is no image is refused before any collection build starts
        float[] vector = features.embed(image, fileName, q.key().model(), q.key().layer(), q.key().pooling());
        Optional<VectorCollection> found = models.current(q.key());
        if (found.isEmpty()) {
            Job<?> job = build(q);
            return new Building(job, partial(q, null, (building, rows) -> vector));
        }
        Optional<Job<?>> updating = updater.refreshIfStale(found.get());
        return rank(found.get(), q, vector, null, new Query(null, null, fileName), updating.orElse(null), mode);
    }

    /** Nearest items to a vector given by the caller. */
    public Outcome byVector(QueryParameters q, float[] vector) {
        return byVector(q, vector, SearchMode.AUTO);
    }

    /** As {@link #byVector(QueryParameters, float[])}, found as {@code mode} says. */
    public Outcome byVector(QueryParameters q, float[] vector, SearchMode mode) {
        if (vector == null || vector.length == 0) {
            throw InvalidInputException.missing("vector", "an array of numbers");
        }
        for (int i = 0; i < vector.length; i++) {
            if (!Float.isFinite(vector[i])) {
                // a JSON number beyond float32's range arrives here as infinity, the string "NaN" as NaN
                throw InvalidInputException.invalid("vector", vector[i], "finite float32 numbers only, of magnitude "
                        + "at most " + Float.MAX_VALUE + " (value at index " + i + ")");
            }
        }
        Optional<VectorCollection> found = models.current(q.key());
        if (found.isEmpty()) {
            Job<?> job = build(q);
            return new Building(job, partial(q, null, (building, rows) -> checked(vector, rows, q)));
        }
        return rank(found.get(), q, checked(vector, found.get(), q), null, new Query(null, null, null),
                updater.refreshIfStale(found.get()).orElse(null), mode);
    }

    /** {@code vector} (finite values, checked before) if it has collection {@code c}'s dimension. */
    private static float[] checked(float[] vector, VectorCollection c, QueryParameters q) {
        if (vector.length != c.meta().dimension()) {
            throw InvalidInputException.invalid("vector", "[" + vector.length + " values]", "exactly "
                    + c.meta().dimension() + " values, the dimension of collection " + q.key());
        }
        return vector;
    }

    /**
     * The vector of image {@code queryId}, not stored yet by the build, computed now (once); null when it cannot be:
     * partial results are a courtesy, and the complete answer says what is wrong with the image.
     */
    private float[] embedForPartial(QueryParameters q, String queryId, PartialCollection building) {
        try {
            float[] v = features.embed(q.key().dataset(), queryId, q.key().model(), q.key().layer(), q.key().pooling());
            building.keepQueryVector(queryId, v);
            return v;
        } catch (DomainException e) {
            LOG.debugf("no partial results for %s in %s: %s", queryId, q.key(), e.getMessage());
            return null;
        }
    }

    /** The query vector of a query on a collection being built, given the rows stored so far (null: none). */
    @FunctionalInterface
    private interface PartialQuery {
        float[] vector(PartialCollection building, VectorCollection rows);
    }

    /**
     * The hits among the rows the build of {@code q}'s collection has stored so far (none while it has stored none),
     * {@code excludeId} left out.
     */
    private Partial partial(QueryParameters q, String excludeId, PartialQuery query) {
        Optional<PartialCollection> building = builder.partial(q.key());
        Optional<VectorCollection> rows = building.flatMap(PartialCollection::snapshot);
        if (rows.isEmpty()) {
            return building.map(b -> new Partial(0, b.total(), List.of())).orElse(Partial.NOTHING_YET);
        }
        VectorCollection c = rows.get();
        float[] vector = query.vector(building.get(), c);
        if (vector == null) {
            return new Partial(0, building.get().total(), List.of());
        }
        int exclude = excludeId == null ? -1 : c.row(excludeId).orElse(-1);
        return new Partial(c.meta().size(), building.get().total(),
                ranker.rankOnce(c, vector, q.metric(), q.p(), q.k(), exclude));
    }

    /** Asks the collection's index (exact scan, or HNSW for large collections) and makes hits of its answer. */
    private Results rank(VectorCollection c, QueryParameters q, float[] vector, String excludeId, Query query,
                         Job<?> updating, SearchMode mode) {
        long t0 = System.nanoTime();
        VectorIndex index = indexes.index(c);
        IndexAnswer answer = index.search(new IndexQuery(vector, q.metric(), q.p(), q.k(),
                excludeId == null ? Set.of() : Set.of(excludeId), mode));
        List<Hit> hits = ranker.hits(c, answer.neighbours(), q.metric(), q.p(), System.nanoTime() - t0);
        double ms = (System.nanoTime() - t0) / 1e6;
        return new Results(c.meta(), q, query, hits, ms, updating, answer.mode(), answer.note());
    }

    private Job<?> build(QueryParameters q) {
        return builder.build(q.key().dataset(), q.key().model(), List.of(q.key().layer()), q.key().pooling());
    }
}
