package dev.cortado.image.registry;

import dev.cortado.image.content.Digest;

import java.net.URI;
import java.util.Objects;

/**
 * A manifest as the registry served it, verified against the digest asked for (or, by tag,
 * against the registry's Docker-Content-Digest when it sent one). The body array is not copied:
 * treat it as read-only.
 *
 * @param body      the exact bytes served; their digest is the manifest's digest
 * @param mediaType the served Content-Type without parameters; may be generic ("application/json"),
 *                  which {@link dev.cortado.image.manifest.ManifestParser} resolves from the body
 * @param digest    the digest of {@code body}
 * @param source    the URI the body finally came from (after redirects)
 */
public record FetchedManifest(byte[] body, String mediaType, Digest digest, URI source) {

    public FetchedManifest {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(source, "source");
    }
}
