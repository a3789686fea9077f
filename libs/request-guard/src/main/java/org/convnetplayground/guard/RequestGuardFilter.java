package org.convnetplayground.guard;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Optional;
import org.convnetplayground.problem.Problem;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** Runs {@link RequestGuard} before any resource (and before a body is read) in every service. */
public class RequestGuardFilter {

    private final RequestGuard guard;

    @Inject
    public RequestGuardFilter(GuardConfig config) {
        this.guard = new RequestGuard(config.token(), config.allowedOrigins().orElse(List.of()));
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> guard(ContainerRequestContext request) {
        return guard.check(request.getMethod(), request::getHeaderString).map(r -> {
            Problem problem = new Problem(r.type(), r.title(), r.status(), r.detail(),
                    request.getUriInfo().getPath(), null, null, null, null);
            Response.ResponseBuilder answer = Response.status(r.status()).type(Problem.MEDIA_TYPE).entity(problem);
            if (r.status() == 401) {
                answer.header("WWW-Authenticate", "Bearer realm=\"convnet-playground\"");
            }
            return answer.build();
        });
    }
}
