package dev.cortado.hack.bench;

import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Serves the pull benchmark's image for a benchmark script: starts a {@link LocalRegistry}, pushes
 * {@code bench/large:v1} (five gzip layers, about 100 MB of content, seed 42) once, prints
 * {@code KEY value} lines ending with {@code READY}, and keeps the registry up until its standard
 * input reaches end of file or it gets SIGTERM; either way the registry and its files are removed.
 *
 * <p>Flags (for quicker trial runs): {@code --layers N}, {@code --megabytes M}.
 */
public final class BenchRegistry {
    static final String REPOSITORY = "bench/large";
    static final String TAG = "v1";
    /** A small unrelated image a benchmark may pull first, as a kubelet pulls its pause image. */
    private static final String PRIME_REPOSITORY = "bench/prime";
    private static final long SEED = 42;

    private BenchRegistry() {
    }

    public static void main(String[] args) {
        int layers = 5;
        long megabytes = 100;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length || !(flag.equals("--layers") || flag.equals("--megabytes"))) {
                System.err.println("BenchRegistry: usage: BenchRegistry [--layers N] [--megabytes M]");
                System.exit(2);
            }
            long value = Long.parseLong(args[++i]);
            if (flag.equals("--layers")) {
                layers = (int) value;
            } else {
                megabytes = value;
            }
        }
        PrintStream out = System.out;
        try (LocalRegistry registry = LocalRegistry.start()) {
            long started = System.nanoTime();
            TestImage image = TestImages.large(registry, REPOSITORY, TAG, layers, megabytes * 1024 * 1024, SEED);
            long compressed = image.image().layers().stream().mapToLong(layer -> layer.size()).sum();
            System.err.printf(Locale.ROOT, "BenchRegistry: pushed %s (%d layers, %.1f MB compressed) to %s in %.1f s%n",
                    image.reference(), layers, compressed / 1e6, registry, (System.nanoTime() - started) / 1e9);
            out.println("REGISTRY " + registry.hostPort());
            out.println("REGISTRY_PID " + registry.pid());
            out.println("IMAGE " + image.reference());
            out.println("IMAGE_ID " + image.imageId());
            out.println("COMPRESSED_BYTES " + compressed);
            out.println("PRIME " + TestImages.busybox(registry, PRIME_REPOSITORY, TAG).reference());
            out.println("READY");
            out.flush();
            waitForEndOfInput(System.in);
        } catch (RuntimeException e) {
            System.err.println("BenchRegistry: error: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void waitForEndOfInput(InputStream in) {
        byte[] discard = new byte[256];
        try {
            while (in.read(discard) >= 0) {
                // the script holds our stdin open for as long as it needs the registry
            }
        } catch (IOException e) {
            // a broken stdin means the script is gone: stop all the same
        }
    }
}
