package org.convnetplayground.search.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * JSON has no NaN or Infinity: Jackson would write them as the strings "NaN" and "Infinity" in numeric fields, which
 * clients cannot read as numbers. The domain code keeps its numbers finite (distances without a value are null by
 * design); should a non-finite number still reach an answer, it is written as null and logged as the bug it is.
 */
@Singleton
public class FiniteNumbers implements ObjectMapperCustomizer {

    private static final Logger LOG = Logger.getLogger(FiniteNumbers.class);

    @Override
    public void customize(ObjectMapper mapper) {
        SimpleModule module = new SimpleModule("finite-numbers");
        JsonSerializer<Double> doubles = new JsonSerializer<>() {
            @Override
            public void serialize(Double value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                write(value, gen);
            }
        };
        JsonSerializer<Float> floats = new JsonSerializer<>() {
            @Override
            public void serialize(Float value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                if (Float.isFinite(value)) {
                    gen.writeNumber(value);
                } else {
                    write(value.doubleValue(), gen);
                }
            }
        };
        module.addSerializer(Double.class, doubles);
        module.addSerializer(Double.TYPE, doubles);
        module.addSerializer(Float.class, floats);
        module.addSerializer(Float.TYPE, floats);
        mapper.registerModule(module);
    }

    private static void write(double value, JsonGenerator gen) throws IOException {
        if (Double.isFinite(value)) {
            gen.writeNumber(value);
            return;
        }
        LOG.warnf("non-finite number %s in field '%s' of an answer, written as null", value,
                gen.getOutputContext().getCurrentName());
        gen.writeNull();
    }
}
