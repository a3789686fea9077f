package org.convnetplayground.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DomainExceptionTest {

    @Test
    void invalidNamesTheParameterTheValueAndTheRange() {
        InvalidInputException e = InvalidInputException.invalid("k", 0, "an integer from 1 to 1000");
        assertEquals("invalid k: '0'; expected an integer from 1 to 1000", e.detail());
        assertEquals("Invalid parameter", e.title());
        assertEquals("k", e.parameter());
        assertEquals("0", e.value());
        assertNull(e.choices());
    }

    @Test
    void missingNamesTheParameter() {
        InvalidInputException e = InvalidInputException.missing("model", "a model id");
        assertEquals("missing model; expected a model id", e.detail());
        assertEquals("model", e.parameter());
        assertNull(e.value());
    }

    @Test
    void unknownListsTheChoicesAndWhereTheyAre() {
        UnknownNameException e = UnknownNameException.unknown("layer", "conv9", "for model 'm'", List.of("a", "b"),
                "/api/catalog/models/m/layers");
        assertEquals("unknown layer 'conv9' for model 'm'; expected one of [a, b] (list them at "
                + "/api/catalog/models/m/layers)", e.detail());
        assertEquals("Unknown layer", e.title());
        assertEquals(List.of("a", "b"), e.choices());
        assertEquals("/api/catalog/models/m/layers", e.choicesUrl());
    }

    @Test
    void unknownWithoutChoicesPointsAtTheList() {
        assertEquals("unknown dataset 'x'; list the valid ones at /d",
                UnknownNameException.unknown("dataset", "x", null, List.of(), "/d").detail());
    }

    @Test
    void longChoiceListsAreElidedInTheMessageButKeptForPrograms() {
        List<String> many = IntStream.range(0, 45).mapToObj(i -> "c" + i).toList();
        UnknownNameException e = UnknownNameException.unknown("image", "x", null, many, null);
        assertTrue(e.detail().endsWith("c39, … and 5 more]"), e.detail());
        assertEquals(45, e.choices().size());
    }

    @Test
    void unknownAmongGivesExamples() {
        assertEquals("unknown layer 'q' for model 'm'; for example one of [a] (every layer is listed at /l)",
                UnknownNameException.unknownAmong("layer", "q", "for model 'm'", List.of("a"), "/l").detail());
    }

    @Test
    void anUnknownFieldValueIsInvalidInputWithTheSameWords() {
        UnknownNameException unknown = UnknownNameException.unknown("metric", "cosin", null, List.of("cosine"), "/m");
        InvalidInputException field = unknown.asInvalidField();
        assertEquals(unknown.detail(), field.detail());
        assertEquals("Unknown metric", field.title());
        assertEquals(List.of("cosine"), field.choices());
        assertSame(unknown, field.getCause());
    }

    @Test
    void longValuesAreEchoedShortenedOnce() {
        String huge = "x".repeat(1 << 20);
        UnknownNameException e = UnknownNameException.unknown("image", huge, "in dataset 'd'", List.of(), "/i");
        String shown = "x".repeat(200) + "… (1048576 characters)";
        assertEquals("unknown image '" + shown + "' in dataset 'd'; list the valid ones at /i", e.detail());
        assertEquals(shown, e.value());
        InvalidInputException invalid = InvalidInputException.invalid("queryId", huge, "an image id");
        assertEquals("invalid queryId: '" + shown + "'; expected an image id", invalid.detail());
        assertEquals(shown, invalid.value());
        // shortened values pass through again unchanged (a problem relayed from another service)
        assertEquals(shown, DomainException.echo(shown));
        assertEquals(shown, new DomainException.Details("p", shown, null, null).value());
        // up to 240 characters nothing changes; a surrogate pair is never split
        String edge = "y".repeat(240);
        assertEquals(edge, DomainException.echo(edge));
        String emoji = "a".repeat(199) + "\uD83D\uDE00".repeat(40);
        assertTrue(DomainException.echo(emoji).startsWith("a".repeat(199) + "…"), DomainException.echo(emoji));
    }
}
