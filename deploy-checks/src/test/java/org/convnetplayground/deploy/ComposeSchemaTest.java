package org.convnetplayground.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docker-compose.yml against the Compose Specification's JSON schema (src/test/resources/compose-spec.json, see
 * COMPOSE-SPEC-NOTICE.md there), as written and after interpolation in both documented set-ups.
 */
class ComposeSchemaTest {

    private static Schema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = ComposeSchemaTest.class.getResourceAsStream("/compose-spec.json")) {
            // The schema's "$id" is relative ("compose_spec.json"): give it the base it is published under.
            // Nothing is fetched: the schema has no external references.
            schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(
                    SchemaLocation.of("https://raw.githubusercontent.com/compose-spec/compose-spec/main/schema/compose-spec.json"),
                    in, InputFormat.JSON);
        }
    }

    static List<Error> validate(JsonNode doc) {
        try {
            return schema.validate(Compose.JSON.writeValueAsString(doc), InputFormat.JSON);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theFileAsWrittenIsValid() {
        List<Error> errors = validate(Compose.load(Compose.NO_ENV).raw());
        assertEquals(List.of(), errors, "docker-compose.yml does not follow the Compose Specification");
    }

    @Test
    void theFileIsValidAfterInterpolationWithNothingSet() {
        assertEquals(List.of(), validate(Compose.load(Compose.NO_ENV).doc()));
    }

    @Test
    void theFileIsValidAfterInterpolationWithTheNamedVolumeSetUp() {
        assertEquals(List.of(), validate(Compose.load(Compose.VOLUME_ENV).doc()));
    }

    @Test
    void noObsoleteVersionKey() {
        assertFalse(Compose.load(Compose.NO_ENV).raw().has("version"),
                "the Compose Specification ignores `version:`; Compose prints a warning for it");
    }

    /** The schema really constrains: a key no Compose version knows is rejected (guards against a no-op validator). */
    @Test
    void theSchemaRejectsWhatComposeWouldReject() {
        Compose bad = Compose.parse(Repo.composeFile(), """
                services:
                  web:
                    image: nginx
                    ports: 8080
                    restart_policy: always
                """, Map.of());
        List<Error> errors = validate(bad.raw());
        assertTrue(errors.size() >= 2, "expected errors for `ports` (not a list) and `restart_policy` (unknown), got " + errors);
    }
}
