package org.convnetplayground.catalog.rest;

import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.core.Response;
import org.convnetplayground.errors.DomainException;
import org.convnetplayground.problem.ProblemMappers;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The catalog's one mapping of domain failures to HTTP: each sort of {@link DomainException} the store, the
 * downloads, the zoo and the filter pictures throw becomes {@code application/problem+json} with the status that
 * {@code DomainProblems} gives it, so domain code never names a status.
 */
public class DomainExceptionMapper {

    @ServerExceptionMapper
    public Response domain(DomainException e, HttpServerRequest request) {
        return ProblemMappers.domain(e, request);
    }
}
