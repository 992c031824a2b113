package dev.cortado.image.metadata;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.databind.deser.std.FromStringDeserializer;
import dev.cortado.image.content.Digest;

/** The JSON mapping for cortado's own metadata files: stable, readable, strict about digests. */
public final class Json {

    private Json() {
    }

    /** A new mapper; mappers are thread-safe once configured, so callers keep one. */
    public static ObjectMapper newMapper() {
        SimpleModule digests = new SimpleModule("digests");
        digests.addSerializer(Digest.class, ToStringSerializer.instance);
        digests.addDeserializer(Digest.class, new FromStringDeserializer<>(Digest.class) {
            @Override
            protected Digest _deserialize(String value, com.fasterxml.jackson.databind.DeserializationContext ctxt) {
                return Digest.parse(value);
            }
        });
        return new ObjectMapper()
                .registerModule(digests)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }
}
