package dev.cortado.hack.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * Makes the RS256 JWTs the registry accepts: iss must equal the configured issuer, aud the
 * configured service, exp/nbf bracket now, the x5c header chains to the rootcertbundle, and the
 * "access" claim lists the granted actions per resource.
 */
final class TokenIssuer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final SigningKey key;
    private final String issuer;
    private final String service;
    private final long lifetimeSeconds;
    private final Clock clock;

    TokenIssuer(SigningKey key, String issuer, String service, long lifetimeSeconds, Clock clock) {
        this.key = key;
        this.issuer = issuer;
        this.service = service;
        this.lifetimeSeconds = lifetimeSeconds;
        this.clock = clock;
    }

    long lifetimeSeconds() {
        return lifetimeSeconds;
    }

    /** Signs a token for {@code subject} (empty for anonymous) granting exactly {@code grants}. */
    String issue(String subject, List<Scope> grants) {
        long now = clock.instant().getEpochSecond();
        ObjectNode header = JSON.createObjectNode();
        header.put("typ", "JWT");
        header.put("alg", "RS256");
        header.putArray("x5c").add(key.x5cElement());

        ObjectNode claims = JSON.createObjectNode();
        claims.put("iss", issuer);
        claims.put("sub", subject);
        claims.put("aud", service);
        claims.put("exp", now + lifetimeSeconds);
        // a little slack for the registry's clock; the registry adds its own leeway too
        claims.put("nbf", now - 10);
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        ArrayNode access = claims.putArray("access");
        for (Scope grant : grants) {
            ObjectNode entry = access.addObject();
            entry.put("type", grant.type());
            entry.put("name", grant.name());
            ArrayNode actions = entry.putArray("actions");
            grant.actions().forEach(actions::add);
        }

        String signingInput = URL.encodeToString(bytes(header)) + "." + URL.encodeToString(bytes(claims));
        return signingInput + "." + URL.encodeToString(sign(signingInput));
    }

    private byte[] sign(String signingInput) {
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key.privateKey());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a registry token: " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise token JSON", e);
        }
    }
}
