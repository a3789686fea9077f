package org.convnetplayground.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository and the shared models and datasets are, as the build passes them to tests. */
public final class Repo {

    private Repo() {
    }

    /** The repository root ({@code cnp.repo.dir}, else found by walking up to the root pom). */
    public static Path dir() {
        String configured = System.getProperty("cnp.repo.dir");
        if (configured != null) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !(Files.exists(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("search-service")))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root; set -Dcnp.repo.dir");
        }
        return p;
    }

    /** {@code ../shared} next to the repository, or {@code cnp.shared.dir}. */
    public static Path shared() {
        String configured = System.getProperty("cnp.shared.dir");
        return (configured != null ? Path.of(configured) : dir().resolve("../shared")).toAbsolutePath().normalize();
    }

    public static Path models() {
        return shared().resolve("models");
    }

    public static Path datasets() {
        return shared().resolve("datasets");
    }
}
