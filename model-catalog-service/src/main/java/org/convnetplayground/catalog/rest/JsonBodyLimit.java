package org.convnetplayground.catalog.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.convnetplayground.catalog.config.CatalogConfig;

/** JSON request bodies are held to cnp.catalog.max-json-body-size before they are parsed (see the shared mechanism). */
@ApplicationScoped
public class JsonBodyLimit extends org.convnetplayground.problem.JsonBodyLimit {

    @Inject
    CatalogConfig config;

    @Override
    protected long limit() {
        return config.maxJsonBodySize().asLongValue();
    }

    @Override
    protected String setting() {
        return "cnp.catalog.max-json-body-size";
    }
}
