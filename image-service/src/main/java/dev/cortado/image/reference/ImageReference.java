package dev.cortado.image.reference;

import dev.cortado.image.content.Digest;

import java.util.Locale;
import java.util.Objects;

/**
 * A normalised image reference: {@code domain/path[:tag][@digest]}, as docker normalises what a
 * user types ({@code busybox} is {@code docker.io/library/busybox:latest}). When both a tag and a
 * digest are present the digest decides what is fetched and the tag is kept only for naming.
 *
 * @param domain the registry as users write it ({@code docker.io}, {@code 127.0.0.1:5000})
 * @param path   the repository path inside the registry ({@code library/busybox})
 * @param tag    the tag, or null; {@code latest} is filled in only when there is no digest
 * @param digest the manifest digest, or null
 */
public record ImageReference(String domain, String path, String tag, Digest digest) {

    public ImageReference {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(path, "path");
        if (!ReferenceGrammar.DOMAIN.matcher(domain).matches()) {
            throw new IllegalArgumentException("invalid registry domain \"" + domain + "\"");
        }
        validatePath(path, domain + "/" + path);
        if (tag != null) {
            validateTag(tag, domain + "/" + path + ":" + tag);
        }
        if (tag == null && digest == null) {
            throw new IllegalArgumentException("reference " + domain + "/" + path + " needs a tag or a digest");
        }
    }

    /**
     * Parses and normalises a reference as docker does. Throws IllegalArgumentException whose
     * message names the reference and what is wrong with it.
     */
    public static ImageReference parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("invalid image reference: empty");
        }
        if (!text.equals(text.strip())) {
            throw new IllegalArgumentException("invalid image reference \"" + text + "\": surrounding whitespace");
        }
        if (ReferenceGrammar.IMAGE_ID.matcher(text).matches()) {
            throw new IllegalArgumentException("invalid image reference \"" + text
                    + "\": a 64-character hexadecimal string is an image id, not a repository name");
        }
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = parseDigest(rest.substring(at + 1), text);
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastColon = rest.lastIndexOf(':');
        if (lastColon > rest.lastIndexOf('/')) {
            tag = rest.substring(lastColon + 1);
            rest = rest.substring(0, lastColon);
            validateTag(tag, text);
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("invalid image reference \"" + text + "\": missing repository name");
        }
        String domain = ReferenceGrammar.DEFAULT_DOMAIN;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash >= 0 && ReferenceGrammar.looksLikeDomain(rest.substring(0, slash))) {
            domain = rest.substring(0, slash);
            path = rest.substring(slash + 1);
            if (!ReferenceGrammar.DOMAIN.matcher(domain).matches()) {
                throw new IllegalArgumentException("invalid image reference \"" + text
                        + "\": \"" + domain + "\" is not a valid registry host[:port]");
            }
        }
        if (domain.equals(ReferenceGrammar.LEGACY_DEFAULT_DOMAIN)) {
            domain = ReferenceGrammar.DEFAULT_DOMAIN;
        }
        if (domain.equals(ReferenceGrammar.DEFAULT_DOMAIN) && path.indexOf('/') < 0) {
            path = ReferenceGrammar.OFFICIAL_REPOSITORY_PREFIX + path;
        }
        validatePath(path, text);
        if (domain.length() + 1 + path.length() > ReferenceGrammar.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("invalid image reference \"" + text + "\": repository name longer than "
                    + ReferenceGrammar.MAX_NAME_LENGTH + " characters");
        }
        if (tag == null && digest == null) {
            tag = ReferenceGrammar.DEFAULT_TAG;
        }
        return new ImageReference(domain, path, tag, digest);
    }

    private static Digest parseDigest(String digestText, String whole) {
        try {
            return Digest.parse(digestText);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid image reference \"" + whole + "\": " + e.getMessage(), e);
        }
    }

    private static void validateTag(String tag, String whole) {
        if (!ReferenceGrammar.TAG.matcher(tag).matches()) {
            throw new IllegalArgumentException("invalid image reference \"" + whole + "\": tag \"" + tag
                    + "\" must be 1-128 characters of letters, digits, '_', '.' or '-', not starting with '.' or '-'");
        }
    }

    private static void validatePath(String path, String whole) {
        if (path.isEmpty()) {
            throw new IllegalArgumentException("invalid image reference \"" + whole + "\": missing repository path");
        }
        if (!path.equals(path.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("invalid image reference \"" + whole
                    + "\": repository name must be lowercase");
        }
        for (String component : path.split("/", -1)) {
            if (!ReferenceGrammar.PATH_COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("invalid image reference \"" + whole + "\": path component \""
                        + component + "\" must be lowercase letters and digits, joined by '.', '_', '__' or '-'");
            }
        }
    }

    /** The repository name: {@code domain/path}, without tag or digest. */
    public String name() {
        return domain + "/" + path;
    }

    /** The host[:port] the registry API lives at: docker.io's API is at registry-1.docker.io. */
    public String registryHost() {
        return domain.equals(ReferenceGrammar.DEFAULT_DOMAIN) ? ReferenceGrammar.DEFAULT_REGISTRY_HOST : domain;
    }

    public boolean isDigested() {
        return digest != null;
    }

    /** What to ask the registry for: the digest when there is one, else the tag. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    public ImageReference withTag(String newTag) {
        Objects.requireNonNull(newTag, "tag");
        validateTag(newTag, name() + ":" + newTag);
        return new ImageReference(domain, path, newTag, digest);
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(domain, path, tag, Objects.requireNonNull(newDigest, "digest"));
    }

    /** The canonical full form: {@code domain/path[:tag][@digest]}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder(name());
        if (tag != null) {
            out.append(':').append(tag);
        }
        if (digest != null) {
            out.append('@').append(digest);
        }
        return out.toString();
    }
}
