package dev.cortado.hack.image;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.hack.registry.SigningKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Builds a signed Docker schema 1 manifest (the deprecated format distribution 2.8 still stores if
 * the JWS signature verifies). The payload is the pretty-printed manifest; the signature's
 * protected header records how much of it precedes the appended "signatures" member
 * (formatLength) and the bytes that follow (formatTail), so a verifier can rebuild the payload.
 * The registry's digest of such a manifest is the sha256 of that payload, not of the signed bytes.
 */
public final class Schema1Builder {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private Schema1Builder() {
    }

    /** A built schema 1 manifest: the signed bytes to PUT and the digest the registry will report. */
    public record Schema1Manifest(byte[] signedBytes, String payloadDigest, List<Layer> layers) {
        public Schema1Manifest {
            layers = List.copyOf(layers);
        }
    }

    /** Layers bottom-up as in schema 2; schema 1 lists them top-down, each with a v1 history entry. */
    public static Schema1Manifest build(String repository, String tag, Platform platform, List<Layer> layers,
                                        SigningKey key) {
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 1);
        manifest.put("name", repository);
        manifest.put("tag", tag);
        manifest.put("architecture", platform.architecture());
        ArrayNode fsLayers = manifest.putArray("fsLayers");
        ArrayNode history = manifest.putArray("history");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            ids.add(Digests.hex(Digests.sha256((i + ":" + layers.get(i).diffId()).getBytes(StandardCharsets.UTF_8))));
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            fsLayers.addObject().put("blobSum", layers.get(i).digest());
            ObjectNode v1 = JSON.createObjectNode();
            v1.put("id", ids.get(i));
            if (i > 0) {
                v1.put("parent", ids.get(i - 1));
            }
            v1.put("created", LayerEntry.DEFAULT_MTIME.toString());
            if (i == layers.size() - 1) {
                v1.put("architecture", platform.architecture());
                v1.put("os", platform.os());
                ObjectNode config = v1.putObject("config");
                config.putArray("Cmd").add("/bin/sh");
                config.putArray("Env").add(BusyboxRootfs.PATH_ENV);
            }
            v1.putObject("container_config").putArray("Cmd").add("cortado schema1 test layer " + i);
            history.addObject().put("v1Compatibility", v1.toString());
        }
        byte[] payload = pretty(manifest);
        int formatLength = payload.length - 2;
        byte[] formatTail = {'\n', '}'};

        ObjectNode protectedHeader = JSON.createObjectNode();
        protectedHeader.put("formatLength", formatLength);
        protectedHeader.put("formatTail", URL.encodeToString(formatTail));
        protectedHeader.put("time", LayerEntry.DEFAULT_MTIME.toString());
        String protectedB64 = URL.encodeToString(protectedHeader.toString().getBytes(StandardCharsets.UTF_8));
        String signingInput = protectedB64 + "." + URL.encodeToString(payload);

        ObjectNode signature = JSON.createObjectNode();
        ObjectNode header = signature.putObject("header");
        header.put("alg", "RS256");
        header.putArray("x5c").add(key.x5cElement());
        signature.put("signature", URL.encodeToString(sign(key, signingInput)));
        signature.put("protected", protectedB64);

        String signed = new String(payload, 0, formatLength, StandardCharsets.UTF_8)
                + ",\n   \"signatures\": [" + signature + "]\n}";
        return new Schema1Manifest(signed.getBytes(StandardCharsets.UTF_8), Digests.sha256(payload), layers);
    }

    private static byte[] pretty(ObjectNode node) {
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
                .withObjectIndenter(new DefaultIndenter("   ", "\n"))
                .withArrayIndenter(new DefaultIndenter("   ", "\n"));
        try {
            return JSON.writer(printer).writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise schema 1 manifest", e);
        }
    }

    private static byte[] sign(SigningKey key, String input) {
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(key.privateKey());
            rsa.update(input.getBytes(StandardCharsets.US_ASCII));
            return rsa.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign schema 1 manifest: " + e.getMessage(), e);
        }
    }
}
