package dev.cortado.shim;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The real cortado-shim built by this module, and the conditions the integration tests need
 * (root, busybox). Outside CI a missing part skips with the reason; in CI (env CI set) it fails.
 */
final class ShimBinary {
    static final Path BUSYBOX = Path.of("/bin/busybox");

    private ShimBinary() {
    }

    /** The binary's path, from -Dcortado.shim.binary (set by the pom) or target/cortado-shim. */
    static Path path() {
        return Path.of(System.getProperty("cortado.shim.binary", "target/cortado-shim")).toAbsolutePath();
    }

    /** Returns the binary when everything the real-kernel tests need is here. */
    static Path require() throws IOException {
        Path binary = path();
        need(Files.isExecutable(binary), binary + " is missing: build the C shim first (mvn -pl shim compile)");
        need(isRoot(), "the shim tests need root (namespaces, mounts)");
        need(Files.isExecutable(BUSYBOX), BUSYBOX + " is missing: install Debian's busybox-static");
        return binary;
    }

    private static boolean isRoot() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[1].equals("0");
            }
        }
        return false;
    }

    private static void need(boolean present, String reason) {
        if (present) {
            return;
        }
        if (System.getenv("CI") != null) {
            fail(reason + " (CI is set, so this fails instead of skipping)");
        }
        Assumptions.abort(reason);
    }
}
