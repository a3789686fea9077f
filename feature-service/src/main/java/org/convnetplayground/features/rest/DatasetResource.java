package org.convnetplayground.features.rest;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
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
import org.convnetplayground.features.dataset.DatasetImports;
import org.convnetplayground.features.dataset.DatasetImage;
import org.convnetplayground.features.dataset.DatasetRegistry;
import org.convnetplayground.features.dataset.ThumbnailStore;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.problem.ProblemException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.multipart.FileUpload;
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

    @Inject
    DatasetImports imports;

    /** A server-side folder to register as a dataset. */
    @Schema(name = "Registration")
    public record Registration(
            @Schema(required = true, description = "The new dataset's id.", examples = "receipts-2026") String id,
            @Schema(required = true, description = "An absolute folder path under one of the allowed roots.",
                    examples = "/srv/images/receipts-2026") String path) {
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Create a dataset from a zip archive",
            description = "Images in class folders get the folder as their label; images at the top get none (a single "
                    + "top folder holding the class folders is ignored). JPEG, PNG, WebP, BMP, GIF (first frame) and "
                    + "TIFF; EXIF orientation is honoured. Entries that are not decodable images, links, hidden files and "
                    + "paths leading outside the dataset are skipped and listed in the answer; an archive with too many "
                    + "entries or that unpacks to too much is refused whole. Nothing appears until the import is complete.")
    @APIResponse(responseCode = "201", description = "The dataset was created.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DatasetImports.ImportResult.class)))
    @APIResponse(responseCode = "400", description = "Bad name, unreadable archive, or no usable image in it.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "A dataset with this name exists.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The upload, or what the archive unpacks to, is over the limits.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response create(@RestForm("name") @Schema(description = "The dataset id: letters, digits, '.', '-', '_'.") String name,
                           @RestForm("archive") @Schema(description = "A zip archive of images.") FileUpload archive) {
        if (archive == null) {
            throw ProblemException.missing("archive", "a multipart file field 'archive' holding a zip of images");
        }
        DatasetImports.ImportResult result = imports.create(name, archive.uploadedFile());
        return Response.status(201).entity(result).header("Location", "/api/features/datasets/" + result.id()).build();
    }

    @POST
    @Path("/{id}/images")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Operation(summary = "Add images to an uploaded dataset",
            description = "Image files (in the `label` folder, or unlabelled) and/or a zip archive, checked as on "
                    + "creation; a file name already taken gets a numbered suffix. Collections built from the dataset "
                    + "catch up on their next use.")
    @APIResponse(responseCode = "200", description = "What was added and what was skipped.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DatasetImports.ImportResult.class)))
    @APIResponse(responseCode = "400", description = "Bad label or archive.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown dataset.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The dataset is read-only (shared or registered).",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public DatasetImports.ImportResult add(@PathParam("id") String id,
                                           @RestForm("files") @Schema(description = "Image files.") List<FileUpload> files,
                                           @RestForm("label") @Schema(description = "Their class; none when absent.") String label,
                                           @RestForm("archive") @Schema(description = "A zip archive of images.") FileUpload archive) {
        List<DatasetImports.Upload> uploads = files == null ? List.of()
                : files.stream().map(f -> new DatasetImports.Upload(f.fileName(), f.uploadedFile())).toList();
        if (uploads.isEmpty() && archive == null) {
            throw ProblemException.missing("files", "one or more multipart 'files' fields, or an 'archive'");
        }
        return imports.add(id, label, uploads, archive == null ? null : archive.uploadedFile());
    }

    @DELETE
    @Path("/{id}/images/{image: .+}")
    @Operation(summary = "Delete an image of an uploaded dataset",
            description = "The rest of the path is the image id. Collections built from the dataset drop it on their next use.")
    @APIResponse(responseCode = "204", description = "Deleted.")
    @APIResponse(responseCode = "404", description = "Unknown dataset or image.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The dataset is read-only.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public void deleteImage(@PathParam("id") String id, @PathParam("image") String image) {
        imports.deleteImage(id, image);
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete a dataset",
            description = "An uploaded dataset is deleted with its images; a registered folder is forgotten (its files "
                    + "stay); datasets of the shared datasets root are read-only.")
    @APIResponse(responseCode = "204", description = "Deleted.")
    @APIResponse(responseCode = "404", description = "Unknown dataset.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The dataset is read-only.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public void delete(@PathParam("id") String id) {
        imports.delete(id);
    }

    @POST
    @Path("/registrations")
    @Consumes(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Registration.class),
            examples = @ExampleObject(name = "a folder of receipts", value = "{\"id\": \"receipts\", \"path\": \"/srv/images/receipts\"}")))
    @Operation(summary = "Register a server-side folder as a dataset",
            description = "The folder (class sub-folders optional) must lie under one of the allowed roots "
                    + "(cnp.features.allowed-roots); it is read where it is, never written, and links are not followed.")
    @APIResponse(responseCode = "201", description = "The dataset.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DatasetSummary.class)))
    @APIResponse(responseCode = "400", description = "Bad id, or a path outside the allowed roots.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "A dataset with this id exists.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "The JSON body is larger than cnp.features.max-json-body-size.",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Response register(Registration r) {
        if (r == null) {
            throw ProblemException.missing("body", "a JSON object {id, path}");
        }
        Dataset d = imports.register(r.id(), r.path());
        return Response.status(201).entity(DatasetSummary.of(d)).header("Location", "/api/features/datasets/" + d.id()).build();
    }

    /** A dataset as listed. */
    @Schema(name = "Dataset")
    public record DatasetSummary(
            @Schema(description = "The dataset id: its folder name.", examples = "caltech101-iconic200") String id,
            @Schema(description = "Number of images.") int imageCount,
            @Schema(description = "Class names (the sub-folders), sorted.") List<String> classes,
            @Schema(description = "Images per class.") Map<String, Integer> classCounts,
            @Schema(description = "Images outside any class folder.") int unlabeled,
            @Schema(description = "Changes whenever an image is added, removed or rewritten.") String version,
            @Schema(description = "shared (the read-only datasets root), uploaded (through this API) or registered "
                    + "(a server-side folder).") Dataset.Source source,
            @Schema(description = "Whether images can be added and deleted (uploaded datasets only).") boolean writable) {

        static DatasetSummary of(Dataset d) {
            int labelled = d.classCounts().values().stream().mapToInt(Integer::intValue).sum();
            return new DatasetSummary(d.id(), d.images().size(), List.copyOf(d.classCounts().keySet()),
                    d.classCounts(), d.images().size() - labelled, d.version(), d.source(),
                    d.source() == Dataset.Source.UPLOADED);
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
