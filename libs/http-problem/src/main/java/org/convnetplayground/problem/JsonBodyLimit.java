package org.convnetplayground.problem;

import io.vertx.ext.web.Router;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.IOException;

/**
 * JSON request bodies are held to a service's limit before they are parsed: a larger declared Content-Length is
 * refused before the body is read, and a body that streams without one is cut off as it passes the limit (413
 * problem naming the limit and its setting either way), instead of a 50 MB body being parsed whole. Each service
 * declares one bean extending this class that says where its limit comes from.
 */
public abstract class JsonBodyLimit {

    /** The largest JSON body, in bytes; read per request, so a test profile's value applies. */
    protected abstract long limit();

    /** The configuration key that sets the limit, named in the 413 problem. */
    protected abstract String setting();

    // inherited by the service's bean (CDI observer methods are inherited)
    void install(@Observes Router router) {
        BodyLimitProblems.refuseJsonDeclaredOver(router, limit(), setting());
    }

    /** The streaming half: counts a JSON entity's bytes as the reader takes them. */
    @Provider
    public static class WhileStreaming implements ReaderInterceptor {

        // a client proxy: providers are made before the configuration is there, the limit is read per request
        @Inject
        JsonBodyLimit limits;

        @Override
        public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
            return BodyLimitProblems.readJsonWithin(context, limits.limit(), limits.setting());
        }
    }
}
