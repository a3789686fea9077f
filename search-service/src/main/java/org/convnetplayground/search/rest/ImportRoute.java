package org.convnetplayground.search.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.errors.InternalFailureException;
import org.convnetplayground.files.FileTrees;
import org.convnetplayground.jobs.Job;
import org.convnetplayground.problem.BodyLimitProblems;
import org.convnetplayground.problem.DomainProblems;
import org.convnetplayground.problem.Problem;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.search.imports.VectorImports;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * {@code POST /api/search/collections/import}: a multipart upload of many gigabytes, streamed to disk as it arrives
 * (memory does not grow with it) under its own size limit ({@code cnp.search.imports.max-bytes}), which is far above
 * the service's body limit for every other endpoint. It is a Vert.x route ahead of the REST layer, because the REST
 * layer applies the one service-wide limit; its OpenAPI description is in {@code META-INF/openapi.yaml}.
 */
@ApplicationScoped
public class ImportRoute {

    private static final Logger LOG = Logger.getLogger(ImportRoute.class);
    static final List<String> FILE_FIELDS = List.of("vectors", "ids");

    @Inject
    VectorImports imports;

    @Inject
    SearchConfig config;

    @Inject
    ObjectMapper json;

    @ConfigProperty(name = "quarkus.rest.path", defaultValue = "/")
    String restPath;

    void install(@Observes Router router) {
        long limit = config.imports().maxBytes();
        String path = (restPath.endsWith("/") ? restPath.substring(0, restPath.length() - 1) : restPath)
                + "/collections/import";
        BodyLimitProblems.refuseDeclaredLengthOver(router.post(path).order(BodyLimitProblems.ENDPOINT_ORDER), limit,
                length -> tooLarge(length, limit));
        router.post(path).order(BodyLimitProblems.ENDPOINT_ORDER + 1).handler(this::receive);
    }

    private void receive(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            send(ctx, new Problem("about:blank", "Unsupported media type", 415, "the import is a multipart/form-data "
                    + "upload with the fields dataset, model, layer, pooling (optional) and the files vectors (.npy) "
                    + "and ids; got " + (type == null ? "no content type" : "'" + type + "'"), null, null, null, null,
                    null));
            return;
        }
        Path folder;
        try {
            folder = imports.newUploadFolder();
        } catch (Exception e) {
            fail(ctx, e, null);
            return;
        }
        long limit = config.imports().maxBytes();
        AtomicLong received = new AtomicLong();
        AtomicBoolean failed = new AtomicBoolean();
        List<Future<Void>> files = new ArrayList<>();
        // an upload without a declared length that grows past the limit is answered at once and cut off
        Runnable refuse = () -> {
            if (failed.compareAndSet(false, true)) {
                send(ctx, tooLarge(received.get(), limit));
                FileTrees.deleteTree(folder);
                request.connection().close();
            }
        };
        request.setExpectMultipart(true);
        request.uploadHandler(upload -> {
            if (!FILE_FIELDS.contains(upload.name()) || failed.get()) {
                // unknown file fields are read and dropped
                upload.handler(b -> {
                    if (received.addAndGet(b.length()) > limit) {
                        refuse.run();
                    }
                });
                return;
            }
            Promise<Void> done = Promise.promise();
            files.add(done.future());
            upload.pause();
            ctx.vertx().fileSystem().open(folder.resolve(upload.name()).toString(),
                    new OpenOptions().setWrite(true).setCreateNew(true), opened -> {
                        if (opened.failed()) {
                            done.tryFail(opened.cause());
                            upload.resume();
                            return;
                        }
                        write(upload, opened.result(), received, limit, done, refuse);
                    });
        });
        request.exceptionHandler(e -> {
            if (failed.compareAndSet(false, true)) {
                LOG.debugf("import upload broken off: %s", e.getMessage());
                FileTrees.deleteTree(folder);
            }
        });
        request.endHandler(end -> Future.all(new ArrayList<>(files)).onComplete(written -> {
            if (failed.get()) {
                return;
            }
            if (written.failed()) {
                failed.set(true);
                fail(ctx, written.cause(), folder);
                return;
            }
            var form = request.formAttributes();
            ctx.vertx().<Job<?>>executeBlocking(() -> imports.start(form.get("dataset"), form.get("model"),
                    form.get("layer"), form.get("pooling"), folder), false).onComplete(started -> {
                        if (started.failed()) {
                            fail(ctx, started.cause(), folder);
                        } else {
                            accepted(ctx, started.result());
                        }
                    });
        }));
        request.resume();
    }

    /** Streams one file part to disk with back-pressure, refusing it once the upload passes the limit. */
    private void write(HttpServerFileUpload upload, AsyncFile file, AtomicLong received, long limit,
                       Promise<Void> done, Runnable refuse) {
        AtomicBoolean closed = new AtomicBoolean();
        upload.handler(buffer -> {
            if (closed.get()) {
                return;
            }
            if (received.addAndGet(buffer.length()) > limit) {
                closed.set(true);
                done.tryFail(new TooLarge(received.get(), limit));
                file.close();
                refuse.run();
                return;
            }
            file.write(buffer);
            if (file.writeQueueFull()) {
                upload.pause();
                file.drainHandler(v -> upload.resume());
            }
        });
        upload.exceptionHandler(e -> {
            if (closed.compareAndSet(false, true)) {
                file.close().onComplete(c -> done.tryFail(e));
            } else {
                done.tryFail(e);
            }
        });
        upload.endHandler(v -> {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            file.close().onComplete(c -> {
                if (c.failed()) {
                    done.tryFail(c.cause());
                } else {
                    done.tryComplete();
                }
            });
        });
        upload.resume();
    }

    private static final class TooLarge extends RuntimeException {
        final long size;
        final long limit;

        TooLarge(long size, long limit) {
            super("too large", null, false, false);
            this.size = size;
            this.limit = limit;
        }
    }

    private static Problem tooLarge(long length, long limit) {
        return new Problem("about:blank", "Payload too large", 413, "the upload is " + length
                + " bytes; the import limit is " + limit + " bytes (cnp.search.imports.max-bytes)", null, "vectors",
                Long.toString(length), null, null);
    }

    private void accepted(RoutingContext ctx, Job<?> job) {
        JobView view = JobView.of(job);
        try {
            ctx.response().setStatusCode(202).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.LOCATION, view.job()).end(json.writeValueAsString(view));
        } catch (Exception e) {
            fail(ctx, e, null);
        }
    }

    private void fail(RoutingContext ctx, Throwable e, Path folder) {
        if (folder != null) {
            FileTrees.deleteTree(folder);
        }
        Throwable cause = e;
        if (cause instanceof TooLarge t) {
            send(ctx, tooLarge(t.size, t.limit));
        } else if (cause instanceof DomainException d) {
            send(ctx, DomainProblems.problemOf(d));
        } else {
            LOG.warnf(cause, "import failed");
            send(ctx, DomainProblems.problemOf(InternalFailureException.of("the import could not be stored: "
                    + cause.getMessage())));
        }
    }

    private void send(RoutingContext ctx, Problem problem) {
        if (ctx.response().ended()) {
            return;
        }
        try {
            ctx.response().setStatusCode(problem.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(json.writeValueAsString(problem.withInstance(ctx.request().path())));
        } catch (Exception e) {
            ctx.response().setStatusCode(500).end();
        }
    }
}
