package dev.cortado.image.metadata;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import dev.cortado.image.content.Digest;
import java.time.Instant;

/** The JSON mapping for cortado's own metadata files: stable, readable, strict about values. */
public final class Json {

    private Json() {
    }

    /** A new mapper; mappers are thread-safe once configured, so callers keep one. */
    public static ObjectMapper newMapper() {
        SimpleModule values = new SimpleModule("cortado-values");
        values.addSerializer(Digest.class, ToStringSerializer.instance);
        values.addDeserializer(Digest.class, new FromStringDeserializer<>(Digest.class) {
            @Override
            protected Digest _deserialize(String value, com.fasterxml.jackson.databind.DeserializationContext ctxt) {
                return Digest.parse(value);
            }
        });
        values.addSerializer(Instant.class, ToStringSerializer.instance);
        values.addDeserializer(Instant.class, new FromStringDeserializer<>(Instant.class) {
            @Override
            protected Instant _deserialize(String value, com.fasterxml.jackson.databind.DeserializationContext ctxt) {
                return Instant.parse(value);
            }
        });
        return new ObjectMapper()
                .registerModule(values)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
