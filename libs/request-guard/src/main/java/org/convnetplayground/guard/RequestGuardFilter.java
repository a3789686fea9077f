package org.convnetplayground.guard;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import java.lang.reflect.Method;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.convnetplayground.problem.Problem;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Runs {@link RequestGuard} in every service: the site check before routing, the token check once the resource is
 * known (a {@link ChangesNothing} POST needs none), both before a body is read.
 */
public class RequestGuardFilter {

    private final RequestGuard guard;

    @Inject
    public RequestGuardFilter(GuardConfig config) {
        this.guard = new RequestGuard(config.token(), config.allowedOrigins().orElse(List.of()));
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> site(ContainerRequestContext request) {
        return guard.crossSite(request.getMethod(), request::getHeaderString).map(r -> refuse(request, r));
    }

    @ServerRequestFilter
    public Optional<Response> token(ContainerRequestContext request, ResourceInfo resource) {
        Method method = resource == null ? null : resource.getResourceMethod();
        if (method != null && method.isAnnotationPresent(ChangesNothing.class)) {
            return Optional.empty();
        }
        return guard.token(request.getMethod(), request::getHeaderString).map(r -> refuse(request, r));
    }

    private static Response refuse(ContainerRequestContext request, RequestGuard.Refusal r) {
        Problem problem = new Problem(r.type(), r.title(), r.status(), r.detail(), request.getUriInfo().getPath(),
                null, null, null, null);
        Response.ResponseBuilder answer = Response.status(r.status()).type(Problem.MEDIA_TYPE).entity(problem);
        if (r.status() == 401) {
            answer.header("WWW-Authenticate", "Bearer realm=\"convnet-playground\"");
        }
        return answer.build();
    }
}
