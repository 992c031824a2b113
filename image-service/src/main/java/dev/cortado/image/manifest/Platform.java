package dev.cortado.image.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * An OCI platform: {@code os/architecture[/variant]} with Go's names ({@code amd64}, not
 * {@code x86_64}). {@code variant} and {@code osVersion} may be null.
 */
public record Platform(String os, String architecture, String variant, String osVersion) {

    private static final Path CPUINFO = Path.of("/proc/cpuinfo");
    private static final Set<String> AMD64_V2_FLAGS = Set.of("cx16", "lahf_lm", "popcnt", "sse4_1", "sse4_2", "ssse3");
    private static final Set<String> AMD64_V3_FLAGS =
            Set.of("avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave");
    private static final Set<String> AMD64_V4_FLAGS =
            Set.of("avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl");

    public Platform {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(architecture, "architecture");
        variant = variant == null || variant.isEmpty() ? null : variant;
        osVersion = osVersion == null || osVersion.isEmpty() ? null : osVersion;
    }

    public static Platform of(String os, String architecture, String variant) {
        return new Platform(os, architecture, variant, null);
    }

    /** Parses {@code os/arch[/variant]}, as people and {@code --platform} write it. */
    public static Platform parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("invalid platform \"" + text + "\": expected os/architecture[/variant]");
        }
        return of(parts[0].toLowerCase(Locale.ROOT), parts[1].toLowerCase(Locale.ROOT),
                parts.length == 3 ? parts[2].toLowerCase(Locale.ROOT) : null);
    }

    /**
     * The platform of this machine. arm64 is always variant v8; 32-bit arm reads the variant from
     * {@code /proc/cpuinfo} and assumes v7 when it cannot tell.
     */
    public static Platform host() {
        String javaArch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (javaArch) {
            case "amd64", "x86_64" -> of("linux", "amd64", amd64Level());
            case "aarch64", "arm64" -> of("linux", "arm64", "v8");
            case "arm", "arm32", "armv7l", "armhf" -> of("linux", "arm", armVariant());
            case "ppc64le" -> of("linux", "ppc64le", null);
            case "s390x" -> of("linux", "s390x", null);
            case "riscv64" -> of("linux", "riscv64", null);
            case "x86", "i386", "i486", "i586", "i686" -> of("linux", "386", null);
            default -> of("linux", javaArch, null);
        };
    }

    private static String armVariant() {
        try {
            List<String> lines = Files.readAllLines(CPUINFO);
            for (String line : lines) {
                if (line.startsWith("CPU architecture")) {
                    String value = line.substring(line.indexOf(':') + 1).strip();
                    if (value.equals("5") || value.equals("6") || value.equals("7")) {
                        return "v" + value;
                    }
                    if (value.equals("8") || value.equalsIgnoreCase("AArch64")) {
                        return "v8";
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // Unreadable cpuinfo: fall through to the most common 32-bit arm level.
        }
        return "v7";
    }

    /**
     * The x86-64 microarchitecture level (v2..v4) whose instructions this CPU has, from the
     * feature flags in {@code /proc/cpuinfo}; null for the v1 baseline or when unreadable, so
     * that images built for a higher level are never chosen for a CPU that cannot run them.
     */
    private static String amd64Level() {
        Set<String> flags;
        try (Stream<String> lines = Files.lines(CPUINFO)) {
            flags = lines.filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .map(line -> Set.of(line.substring(line.indexOf(':') + 1).strip().split("\\s+")))
                    .orElse(Set.of());
        } catch (IOException | RuntimeException e) {
            return null;
        }
        String level = null;
        if (flags.containsAll(AMD64_V2_FLAGS)) {
            level = "v2";
            if (flags.containsAll(AMD64_V3_FLAGS)) {
                level = "v3";
                if (flags.containsAll(AMD64_V4_FLAGS)) {
                    level = "v4";
                }
            }
        }
        return level;
    }

    /**
     * This platform with the defaults of its architecture written out: arm64 without a variant is
     * v8, 32-bit arm is v7, amd64's baseline v1 is written as no variant.
     */
    public Platform normalised() {
        String arch = architecture.toLowerCase(Locale.ROOT);
        String v = variant == null ? null : variant.toLowerCase(Locale.ROOT);
        if (arch.equals("arm64") && v == null) {
            v = "v8";
        } else if (arch.equals("arm") && v == null) {
            v = "v7";
        } else if (arch.equals("amd64") && "v1".equals(v)) {
            v = null;
        }
        return new Platform(os.toLowerCase(Locale.ROOT), arch, v, osVersion);
    }

    /** {@code os/architecture[/variant]}. */
    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
