package org.convnetplayground.features.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.convnetplayground.features.dataset.Dataset;
import org.convnetplayground.features.dataset.DatasetImage;
import org.convnetplayground.features.dataset.DatasetRegistry;
import org.convnetplayground.features.dataset.ThumbnailStore;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Datasets, their images and thumbnails. Translates HTTP to {@link DatasetRegistry} calls. */
@Path("/datasets")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "datasets", description = "Labelled image folders: list them, page through their images, fetch images and thumbnails")
public class DatasetResource {

    private static final int MAX_PAGE = 5000;
    private static final CacheControl IMMUTABLE_DAY = CacheControl.valueOf("public, max-age=86400");

    @Inject
    DatasetRegistry datasets;

    @Inject
    ThumbnailStore thumbnails;

    /** A dataset as listed. */
    @Schema(name = "Dataset")
    public record DatasetSummary(
            @Schema(description = "The dataset id: its folder name.", examples = "caltech101-iconic200") String id,
            @Schema(description = "Number of images.") int imageCount,
            @Schema(description = "Class names (the sub-folders), sorted.") List<String> classes,
            @Schema(description = "Images per class.") Map<String, Integer> classCounts,
            @Schema(description = "Images outside any class folder.") int unlabeled,
            @Schema(description = "Changes whenever an image is added, removed or rewritten.") String version) {

        static DatasetSummary of(Dataset d) {
            int labelled = d.classCounts().values().stream().mapToInt(Integer::intValue).sum();
            return new DatasetSummary(d.id(), d.images().size(), List.copyOf(d.classCounts().keySet()),
                    d.classCounts(), d.images().size() - labelled, d.version());
        }
    }

    /** One image's identity. */
    @Schema(name = "ImageItem")
    public record ImageItem(
            @Schema(description = "Path relative to the dataset folder; stable across restarts.",
                    examples = "elephant/image_0003.jpg") String id,
            @Schema(description = "The class (first folder of the path), or null.") String label) {
    }

    /** A page of images. */
    @Schema(name = "ImagePage")
    public record ImagePage(int total, int offset, int limit, List<ImageItem> items) {
    }

    @GET
    @Operation(summary = "List datasets", description = "Every dataset under the datasets root, by id.")
    @APIResponse(responseCode = "200", description = "The datasets.")
    public List<DatasetSummary> list() {
        return datasets.list().stream().map(DatasetSummary::of).toList();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Describe a dataset",
            description = "Its image count, class names with their image counts, unlabelled images and version.")
    @APIResponse(responseCode = "200", description = "The dataset.")
    @APIResponse(responseCode = "404", description = "Unknown dataset; the problem lists the valid ids.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public DatasetSummary get(@Parameter(description = "Dataset id") @PathParam("id") String id) {
        return DatasetSummary.of(datasets.require(id));
    }

    @GET
    @Path("/{id}/images")
    @Operation(summary = "Page through a dataset's images",
            description = "Images in a stable order (by id), optionally of one class.")
    @APIResponse(responseCode = "200", description = "A page of images.")
    @APIResponse(responseCode = "400", description = "Bad offset, limit or label.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public ImagePage images(@Parameter(description = "Dataset id") @PathParam("id") String id,
                            @Parameter(description = "Index of the first image") @QueryParam("offset") @DefaultValue("0") int offset,
                            @Parameter(description = "Most images to return (1 to 5000)") @QueryParam("limit") @DefaultValue("100") int limit,
                            @Parameter(description = "Only images of this class") @QueryParam("label") String label) {
        if (offset < 0) {
            throw ProblemException.invalid("offset", offset, "an integer >= 0");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw ProblemException.invalid("limit", limit, "an integer from 1 to " + MAX_PAGE);
        }
        Dataset dataset = datasets.require(id);
        List<DatasetImage> all = dataset.images();
        if (label != null && !label.isEmpty()) {
            if (!dataset.classCounts().containsKey(label)) {
                throw ProblemException.unknown("label", label, "in dataset '" + id + "'", dataset.classCounts().keySet(),
                        "/api/features/datasets/" + id);
            }
            all = all.stream().filter(i -> label.equals(i.label())).toList();
        }
        List<ImageItem> page = all.stream().skip(offset).limit(limit).map(i -> new ImageItem(i.id(), i.label())).toList();
        return new ImagePage(all.size(), offset, limit, page);
    }

    @GET
    @Path("/{id}/images/{image: .+}")
    @Produces({"image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp", "image/tiff"})
    @Operation(summary = "Fetch an image", description = "The original file; the rest of the path is the image id.")
    @APIResponse(responseCode = "200", description = "The image file.",
            content = @Content(mediaType = "image/*", schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "404", description = "Unknown dataset or image.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response image(@Parameter(description = "Dataset id") @PathParam("id") String id,
                          @Parameter(description = "Image id", example = "elephant/image_0003.jpg") @PathParam("image") String image) {
        Dataset dataset = datasets.require(id);
        DatasetImage img = datasets.requireImage(dataset, image);
        return Response.ok(img.file().toFile(), contentType(img.id())).cacheControl(IMMUTABLE_DAY).build();
    }

    @GET
    @Path("/{id}/thumbnails/{image: .+}")
    @Produces("image/jpeg")
    @Operation(summary = "Fetch a thumbnail", description = "A JPEG whose longer side is at most `size` pixels "
            + "(never enlarged); made once and cached.")
    @APIResponse(responseCode = "200", description = "The thumbnail.",
            content = @Content(mediaType = "image/jpeg", schema = @Schema(type = SchemaType.STRING, format = "binary")))
    @APIResponse(responseCode = "304", description = "Not modified.")
    @APIResponse(responseCode = "400", description = "Bad size, or the image cannot be decoded.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset or image.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response thumbnail(@Parameter(description = "Dataset id") @PathParam("id") String id,
                              @Parameter(description = "Image id") @PathParam("image") String image,
                              @Parameter(description = "Longest edge in pixels (16 to 512; default 160)") @QueryParam("size") Integer size,
                              @Context Request request) {
        Dataset dataset = datasets.require(id);
        DatasetImage img = datasets.requireImage(dataset, image);
        ThumbnailStore.Thumbnail thumb = thumbnails.get(dataset, img, size);
        EntityTag tag = new EntityTag(thumb.etag());
        Response.ResponseBuilder unchanged = request.evaluatePreconditions(tag);
        if (unchanged != null) {
            return unchanged.cacheControl(IMMUTABLE_DAY).build();
        }
        return Response.ok(thumb.jpeg(), "image/jpeg").tag(tag).cacheControl(IMMUTABLE_DAY).build();
    }

    private static String contentType(String name) {
        String ext = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return switch (ext) {
            case "jpg", "jpeg" -> "image/jpeg";
            case "png" -> "image/png";
            case "gif" -> "image/gif";
            case "bmp" -> "image/bmp";
            case "webp" -> "image/webp";
            case "tif", "tiff" -> "image/tiff";
            default -> MediaType.APPLICATION_OCTET_STREAM;
        };
    }
}
