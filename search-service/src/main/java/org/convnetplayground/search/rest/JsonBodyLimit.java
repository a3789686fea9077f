package org.convnetplayground.search.rest;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;
import org.convnetplayground.search.config.SearchConfig;
import org.convnetplayground.problem.BodyLimitProblems;

/**
 * JSON request bodies are held to cnp.search.max-json-body-size before they are parsed: a larger declared
 * Content-Length is refused before the body is read, and a body that streams without one is cut off as it passes
 * the limit (413 problem naming the limit either way), instead of a 50 MB vector being parsed whole.
 */
@ApplicationScoped
public class JsonBodyLimit {

    static final String SETTING = "cnp.search.max-json-body-size";

    @Inject
    SearchConfig config;

    long limit() {
        return config.maxJsonBodySize().asLongValue();
    }

    void install(@Observes Router router) {
        BodyLimitProblems.refuseJsonDeclaredOver(router, limit(), SETTING);
    }

    /** The streaming half: counts a JSON entity's bytes as the reader takes them. */
    @Provider
    public static class WhileStreaming implements ReaderInterceptor {

        // a client proxy: providers are made before the configuration is there, the limit is read per request
        @Inject
        JsonBodyLimit limits;

        @Override
        public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
            return BodyLimitProblems.readJsonWithin(context, limits.limit(), SETTING);
        }
    }
}
