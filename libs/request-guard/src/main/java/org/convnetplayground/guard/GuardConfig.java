package org.convnetplayground.guard;

import io.smallrye.config.ConfigMapping;
import java.util.List;
import java.util.Optional;

/** Who may change things through the APIs. The same keys in every service. */
@ConfigMapping(prefix = "cnp.api")
public interface GuardConfig {

    /**
     * The access token that every state-changing request (POST, PUT, PATCH, DELETE) must carry as
     * {@code Authorization: Bearer <token>} ({@code CNP_API_TOKEN}). Unset or blank: no token needed. The services
     * send it to each other.
     */
    Optional<String> token();

    /**
     * Web origins besides the serving host itself whose pages may send state-changing requests, e.g.
     * {@code https://ui.example.org} ({@code CNP_API_ALLOWED_ORIGINS}, comma-separated). Requests from any other
     * site are refused: a page a user happens to visit must not import or delete anything.
     */
    Optional<List<String>> allowedOrigins();
}
