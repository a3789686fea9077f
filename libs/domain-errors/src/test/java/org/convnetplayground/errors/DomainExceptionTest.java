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
}
