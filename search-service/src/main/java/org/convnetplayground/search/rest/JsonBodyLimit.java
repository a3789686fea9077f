package org.convnetplayground.search.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.convnetplayground.search.config.SearchConfig;

/** JSON request bodies are held to cnp.search.max-json-body-size before they are parsed (see the shared mechanism). */
@ApplicationScoped
public class JsonBodyLimit extends org.convnetplayground.problem.JsonBodyLimit {

    @Inject
    SearchConfig config;

    @Override
    protected long limit() {
        return config.maxJsonBodySize().asLongValue();
    }

    @Override
    protected String setting() {
        return "cnp.search.max-json-body-size";
    }
}
