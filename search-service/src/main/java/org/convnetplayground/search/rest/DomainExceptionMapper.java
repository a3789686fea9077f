package org.convnetplayground.search.rest;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.problem.ProblemMappers;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The search-service's one translation of domain failures into HTTP: every {@link DomainException} the domain code
 * throws becomes problem+json with the status {@link org.convnetplayground.problem.DomainProblems} gives its sort.
 */
public class DomainExceptionMapper {

    @ServerExceptionMapper
    public Response domain(DomainException e, HttpServerRequest request) {
        return ProblemMappers.domain(e, request);
    }
}
