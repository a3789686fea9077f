package org.convnetplayground.guard;

import jakarta.inject.Inject;
import jakarta.ws.rs.client.ClientRequestContext;
import jakarta.ws.rs.client.ClientRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

/**
 * Sends the configured token on the services' calls to each other (REST clients only: those reach the system's own
 * services; fetching a model from the internet uses another client and never carries the token).
 */
@Provider
public class ServiceTokenClientFilter implements ClientRequestFilter {

    private final String token;

    @Inject
    public ServiceTokenClientFilter(GuardConfig config) {
        this.token = config.token().map(String::trim).filter(t -> !t.isEmpty()).orElse(null);
    }

    @Override
    public void filter(ClientRequestContext request) {
        if (token != null && !request.getHeaders().containsKey(HttpHeaders.AUTHORIZATION)) {
            request.getHeaders().putSingle(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        }
    }
}
