package org.convnetplayground.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.convnetplayground.search.rest.FiniteNumbers;
import org.junit.jupiter.api.Test;

/** The last line of defence: a non-finite number that reaches an answer is written as null, never as "NaN". */
class FiniteNumbersUnitTest {

    record Sample(double primitive, Double boxed, float single, Map<String, Double> map, List<Float> floats) {
    }

    @Test
    void nonFiniteNumbersAreWrittenAsNullAndFiniteOnesUnchanged() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        new FiniteNumbers().customize(mapper);
        String json = mapper.writeValueAsString(new Sample(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Map.of("a", Double.NaN), List.of(Float.NaN, 1.5f)));
        assertEquals("{\"primitive\":null,\"boxed\":null,\"single\":null,\"map\":{\"a\":null},\"floats\":[null,1.5]}", json);
        assertEquals("{\"primitive\":0.1,\"boxed\":1.0E300,\"single\":3.4028235E38,\"map\":{\"a\":-2.5},\"floats\":[1.4E-45]}",
                mapper.writeValueAsString(new Sample(0.1, 1e300, Float.MAX_VALUE, Map.of("a", -2.5),
                        List.of(Float.MIN_VALUE))));
    }
}
