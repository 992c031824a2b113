package dev.cortado.image.manifest;

import java.util.Objects;

/**
 * Decides whether an image built for one platform runs on a wanted platform, and how well.
 * Only the same OS and architecture match; within an architecture, variants that the wanted
 * CPU can run match too, the exact variant first (arm v7 runs v6 and v5; amd64 v3 runs v2 and
 * the v1 baseline). 32-bit images on 64-bit hosts (arm on arm64, 386 on amd64) are not offered:
 * many servers cannot run them, and a clear "no manifest" error beats an exec format error.
 */
public final class PlatformMatcher {

    /** Returned by {@link #rank} for a platform that does not match. */
    public static final int NO_MATCH = -1;

    private final Platform wanted;

    public PlatformMatcher(Platform wanted) {
        this.wanted = Objects.requireNonNull(wanted, "wanted").normalised();
    }

    public Platform wanted() {
        return wanted;
    }

    public boolean matches(Platform candidate) {
        return rank(candidate) != NO_MATCH;
    }

    /** 0 for an exact match, larger for worse matches, {@link #NO_MATCH} when it cannot run. */
    public int rank(Platform candidate) {
        if (candidate == null) {
            return NO_MATCH;
        }
        Platform c = candidate.normalised();
        if (!c.os().equals(wanted.os()) || !c.architecture().equals(wanted.architecture())) {
            return NO_MATCH;
        }
        return switch (wanted.architecture()) {
            case "arm", "amd64" -> levelRank(levelOf(wanted.variant()), levelOf(c.variant()));
            default -> otherRank(c.variant());
        };
    }

    private static int levelRank(int wantedLevel, int candidateLevel) {
        if (wantedLevel < 0 || candidateLevel < 0 || candidateLevel > wantedLevel) {
            return NO_MATCH;
        }
        return wantedLevel - candidateLevel;
    }

    /** "v7" -> 7; no variant is the baseline 1 (amd64's v1; arm's is filled in as v7 already). */
    private static int levelOf(String variant) {
        if (variant == null) {
            return 1;
        }
        if (variant.length() >= 2 && variant.charAt(0) == 'v') {
            try {
                return Integer.parseInt(variant.substring(1));
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }

    private int otherRank(String candidateVariant) {
        if (Objects.equals(candidateVariant, wanted.variant())) {
            return 0;
        }
        if (wanted.variant() == null || candidateVariant == null) {
            return 1;
        }
        return NO_MATCH;
    }
}
