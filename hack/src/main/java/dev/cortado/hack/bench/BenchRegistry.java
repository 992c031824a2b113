package dev.cortado.hack.bench;

import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Serves a benchmark's images for a benchmark script: starts a {@link LocalRegistry}, pushes the
 * images once, prints {@code KEY value} lines ending with {@code READY}, and keeps the registry up
 * until its standard input reaches end of file or it gets SIGTERM; either way the registry and
 * its files are removed.
 *
 * <p>The pull benchmark's set (default): {@code bench/large:v1} (five gzip layers, about 100 MB of
 * content, seed 42; flags {@code --layers N}, {@code --megabytes M} for quicker trial runs) and a
 * small busybox image to prime with. With {@code --lifecycle}: {@code bench/busybox:v1} for the
 * containers and {@code bench/pause:v1} (the project's static pause program) for runtimes that
 * need a sandbox image.
 */
public final class BenchRegistry {
    static final String REPOSITORY = "bench/large";
    static final String TAG = "v1";
    /** A small unrelated image a benchmark may pull first, as a kubelet pulls its pause image. */
    private static final String PRIME_REPOSITORY = "bench/prime";
    static final String BUSYBOX_REPOSITORY = "bench/busybox";
    static final String PAUSE_REPOSITORY = "bench/pause";
    private static final long SEED = 42;
    private static final String USAGE = "BenchRegistry: usage: BenchRegistry [--layers N] [--megabytes M] | --lifecycle";

    private BenchRegistry() {
    }

    public static void main(String[] args) {
        int layers = 5;
        long megabytes = 100;
        boolean lifecycle = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--lifecycle")) {
                lifecycle = true;
                continue;
            }
            if (i + 1 >= args.length || !(flag.equals("--layers") || flag.equals("--megabytes"))) {
                System.err.println(USAGE);
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
            out.println("REGISTRY " + registry.hostPort());
            out.println("REGISTRY_PID " + registry.pid());
            if (lifecycle) {
                pushLifecycleImages(registry, out);
            } else {
                pushPullImages(registry, out, layers, megabytes);
            }
            out.println("READY");
            out.flush();
            waitForEndOfInput(System.in);
        } catch (RuntimeException e) {
            System.err.println("BenchRegistry: error: " + e.getMessage());
            System.exit(1);
        }
    }

    private static void pushPullImages(LocalRegistry registry, PrintStream out, int layers, long megabytes) {
        long started = System.nanoTime();
        TestImage image = TestImages.large(registry, REPOSITORY, TAG, layers, megabytes * 1024 * 1024, SEED);
        long compressed = image.image().layers().stream().mapToLong(layer -> layer.size()).sum();
        System.err.printf(Locale.ROOT, "BenchRegistry: pushed %s (%d layers, %.1f MB compressed) to %s in %.1f s%n",
                image.reference(), layers, compressed / 1e6, registry, (System.nanoTime() - started) / 1e9);
        out.println("IMAGE " + image.reference());
        out.println("IMAGE_ID " + image.imageId());
        out.println("COMPRESSED_BYTES " + compressed);
        out.println("PRIME " + TestImages.busybox(registry, PRIME_REPOSITORY, TAG).reference());
    }

    private static void pushLifecycleImages(LocalRegistry registry, PrintStream out) {
        TestImage busybox = TestImages.busybox(registry, BUSYBOX_REPOSITORY, TAG);
        TestImage pause = TestImages.pause(registry, PAUSE_REPOSITORY, TAG);
        System.err.printf(Locale.ROOT, "BenchRegistry: pushed %s and %s to %s%n",
                busybox.reference(), pause.reference(), registry);
        out.println("IMAGE " + busybox.reference());
        out.println("IMAGE_ID " + busybox.imageId());
        out.println("PAUSE " + pause.reference());
        out.println("PAUSE_ID " + pause.imageId());
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
