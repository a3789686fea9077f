package org.convnetplayground.search.query;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.convnetplayground.errors.InvalidInputException;
import org.convnetplayground.errors.UnknownNameException;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.search.build.CollectionBuilder;
import org.convnetplayground.search.build.CollectionUpdater;
import org.convnetplayground.search.build.ModelVersions;
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
 * not exist yet is built on demand and the caller gets the build job to wait for.
 */
@ApplicationScoped
public class QueryService {

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

    public record Building(Job<?> job) implements Outcome {
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
            return new Building(build(q));
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
        int row = foundRow.orElseThrow(() -> UnknownNameException.unknown("image", queryId,
                "in collection " + q.key(), c.meta().items().stream().limit(10).map(CollectionMeta.Item::id).toList(),
                "/api/features/datasets/" + q.key().dataset() + "/images"));
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
            return new Building(build(q));
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
            return new Building(build(q));
        }
        VectorCollection c = found.get();
        if (vector.length != c.meta().dimension()) {
            throw InvalidInputException.invalid("vector", "[" + vector.length + " values]", "exactly "
                    + c.meta().dimension() + " values, the dimension of collection " + q.key());
        }
        return rank(c, q, vector, null, new Query(null, null, null), updater.refreshIfStale(c).orElse(null), mode);
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
