package dev.cortado.image.reference;

import java.util.regex.Pattern;

/**
 * The shapes of the parts of an image reference, as the distribution project's reference grammar
 * defines them. Kept apart from {@link ImageReference} so the parser reads as steps, not regexes.
 */
final class ReferenceGrammar {

    /** A repository path component: lowercase alphanumerics joined by '.', '_', "__" or runs of '-'. */
    static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");

    /** A DNS-like host, a bracketed IPv6 address, either with an optional port. */
    static final Pattern DOMAIN = Pattern.compile(
            "(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
                    + "(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*"
                    + "|\\[[a-fA-F0-9:]+\\])"
                    + "(?::[0-9]+)?");

    static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");

    /** A bare 64-hex string is an image id, never a repository name (docker refuses it too). */
    static final Pattern IMAGE_ID = Pattern.compile("[a-f0-9]{64}");

    /** Upper bound on domain + "/" + path, as the grammar sets it. */
    static final int MAX_NAME_LENGTH = 255;

    static final String DEFAULT_DOMAIN = "docker.io";
    static final String LEGACY_DEFAULT_DOMAIN = "index.docker.io";
    static final String DEFAULT_REGISTRY_HOST = "registry-1.docker.io";
    static final String OFFICIAL_REPOSITORY_PREFIX = "library/";
    static final String DEFAULT_TAG = "latest";

    private ReferenceGrammar() {
    }

    /** Docker's rule: the first component names a registry if it looks like a host, not a user. */
    static boolean looksLikeDomain(String firstComponent) {
        return firstComponent.contains(".")
                || firstComponent.contains(":")
                || firstComponent.equals("localhost")
                || !firstComponent.equals(firstComponent.toLowerCase(java.util.Locale.ROOT));
    }
}
