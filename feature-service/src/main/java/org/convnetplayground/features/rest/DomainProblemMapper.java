package org.convnetplayground.features.rest;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.problem.ProblemMappers;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The one place where the feature-service's domain failures become HTTP answers: problem+json with the status
 * {@link org.convnetplayground.problem.DomainProblems} gives each sort of failure.
 */
public class DomainProblemMapper {

    @ServerExceptionMapper
    public Response domain(DomainException e, HttpServerRequest request) {
        return ProblemMappers.domain(e, request);
    }
}
