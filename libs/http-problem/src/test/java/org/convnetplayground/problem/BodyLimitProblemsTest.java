package org.convnetplayground.problem;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The JSON body limit's pieces: which types are JSON, and the stream that stops at the limit. */
class BodyLimitProblemsTest {

    @Test
    void jsonTypesAreRecognised() {
        assertTrue(BodyLimitProblems.isJson("application/json"));
        assertTrue(BodyLimitProblems.isJson("Application/JSON; charset=UTF-8"));
        assertTrue(BodyLimitProblems.isJson("application/merge-patch+json"));
        assertFalse(BodyLimitProblems.isJson(null));
        assertFalse(BodyLimitProblems.isJson("multipart/form-data; boundary=x"));
        assertFalse(BodyLimitProblems.isJson("text/json-ish"));
        assertFalse(BodyLimitProblems.isJson("application/jsonl"));
    }

    @Test
    void theStreamGivesUpToTheLimitAndFailsPastIt() throws IOException {
        byte[] ten = "0123456789".getBytes();
        try (InputStream in = BodyLimitProblems.limitedJson(new ByteArrayInputStream(ten), 10, "k")) {
            assertArrayEquals(ten, in.readAllBytes(), "exactly the limit is allowed");
        }
        try (InputStream in = BodyLimitProblems.limitedJson(new ByteArrayInputStream(ten), 9, "cnp.x.limit")) {
            byte[] first = new byte[9];
            assertEquals(9, in.readNBytes(first, 0, 9));
            BodyLimitProblems.JsonBodyTooLarge e = assertThrows(BodyLimitProblems.JsonBodyTooLarge.class, in::read);
            assertEquals("the JSON body is larger than the limit for JSON bodies of 9 bytes (cnp.x.limit)",
                    e.failure().detail());
            assertEquals(413, DomainProblems.statusOf(e.failure()));
        }
    }
}
