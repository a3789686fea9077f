package org.convnetplayground.features.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.convnetplayground.features.config.FeatureConfig;

/** JSON request bodies are held to cnp.features.max-json-body-size before they are parsed (see the shared mechanism). */
@ApplicationScoped
public class JsonBodyLimit extends org.convnetplayground.problem.JsonBodyLimit {

    @Inject
    FeatureConfig config;

    @Override
    protected long limit() {
        return config.maxJsonBodySize().asLongValue();
    }

    @Override
    protected String setting() {
        return "cnp.features.max-json-body-size";
    }
}
