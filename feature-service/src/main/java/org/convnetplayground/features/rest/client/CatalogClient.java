package org.convnetplayground.features.rest.client;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.features.model.ModelCatalog;
import org.convnetplayground.problem.UpstreamProblems;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * The model-catalog-service over HTTP: descriptions through the REST client, ONNX files streamed with the JDK's
 * client (they can be hundreds of MB). The catalog's problems reach callers as domain failures with the catalog's
 * words ({@link UpstreamProblems}).
 */
@ApplicationScoped
public class CatalogClient implements ModelCatalog {

    private final CatalogApi api;
    private final String url;
    private final UpstreamProblems upstream;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Inject
    public CatalogClient(@RestClient CatalogApi api, @ConfigProperty(name = "quarkus.rest-client.catalog.url") String url) {
        this.api = api;
        this.url = url;
        this.upstream = new UpstreamProblems("model-catalog-service", url);
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public List<String> modelIds() {
        return upstream.call(api::list).stream().map(CatalogModel::id).toList();
    }

    @Override
    public CatalogModel model(String id) {
        return upstream.call(() -> api.get(id));
    }

    @Override
    public List<CatalogLayer> layers(String id) {
        return upstream.call(() -> api.layers(id));
    }

    @Override
    public List<String> labels(String id) {
        return upstream.call(() -> api.labels(id));
    }

    @Override
    public String problem() {
        try {
            upstream.call(api::list);
            return null;
        } catch (DomainException e) {
            return e.getMessage();
        }
    }

    @Override
    public void copyFile(String id, OutputStream out) throws IOException, InterruptedException {
        URI uri = URI.create(url + "/api/catalog/models/"
                + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20") + "/file");
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("the catalog answered " + response.statusCode());
            }
            in.transferTo(out);
        }
    }
}
