package dev.cortado.hack.bench;

import dev.cortado.cri.v1.ImageServiceGrpc.ImageServiceBlockingStub;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.ImageStatusRequest;
import dev.cortado.cri.v1.ImageStatusResponse;
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.cri.v1.RuntimeServiceGrpc.RuntimeServiceBlockingStub;
import dev.cortado.cri.v1.VersionRequest;
import dev.cortado.cri.v1.VersionResponse;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Pull benchmark against one freshly started CRI runtime: a timed cold PullImage (the store must
 * be empty, which is checked), timed warm re-pulls of the same reference, then the daemon's RSS.
 * {@code hack/bench-pull} starts a fresh daemon per run and aggregates the result lines.
 */
public final class PullBenchmark {
    /** Held so the level set on it is not lost when JUL drops an unreferenced logger. */
    private static final Logger NETTY_BOOTSTRAP = Logger.getLogger("io.netty.bootstrap");

    private final PullOptions options;

    public PullBenchmark(PullOptions options) {
        this.options = options;
    }

    public static void main(String[] args) {
        List<String> argList = Arrays.asList(args);
        if (argList.isEmpty() || argList.contains("-h") || argList.contains("--help")) {
            System.err.print(PullOptions.USAGE);
            System.exit(argList.isEmpty() ? 2 : 0);
        }
        // grpc-netty sets SO_KEEPALIVE on every channel; unix sockets have none, and netty warns.
        NETTY_BOOTSTRAP.setLevel(Level.SEVERE);
        PullOptions options;
        try {
            options = PullOptions.parse(argList);
        } catch (IllegalArgumentException e) {
            System.err.println("PullBenchmark: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            PullResult result = new PullBenchmark(options).run();
            System.out.println(result.line());
            System.err.println(result.summary());
        } catch (BenchmarkException | IllegalStateException | IllegalArgumentException e) {
            System.err.println("PullBenchmark: error: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Runs one cold pull and the warm re-pulls. */
    public PullResult run() {
        RemoteImageSize size = RemoteImageSize.fetch(options.image());
        try (CriClient client = CriClient.connect(options.endpoint())) {
            String label = options.label() != null ? options.label() : runtimeName(client);
            String where = label + " at " + options.endpoint();
            CriReadiness.awaitImageService(client, options.image(), where, options.readySeconds());
            if (imagePresent(client, where)) {
                throw new BenchmarkException(where + " already has " + options.image()
                        + ": a cold pull needs a daemon started on empty root and state directories");
            }
            if (options.prime() != null) {
                pull(client, where, options.prime());
            }
            long start = System.nanoTime();
            String imageId = pull(client, where);
            double cold = seconds(System.nanoTime() - start);
            if (options.expectedId() != null && !options.expectedId().equals(imageId)) {
                throw new BenchmarkException(where + " pulled " + options.image() + " as " + imageId
                        + " but the registry's image ID is " + options.expectedId());
            }
            if (!imagePresent(client, where)) {
                throw new BenchmarkException(where + ": PullImage returned " + imageId
                        + " but ImageStatus does not find " + options.image() + " afterwards");
            }
            List<Double> warm = new ArrayList<>();
            for (int i = 0; i < options.warmPulls(); i++) {
                long warmStart = System.nanoTime();
                String again = pull(client, where);
                warm.add(seconds(System.nanoTime() - warmStart));
                if (!again.equals(imageId)) {
                    throw new BenchmarkException(where + ": warm re-pull returned " + again + ", the cold pull " + imageId);
                }
            }
            ProcessMemory memory = options.pid() > 0 ? ProcessMemory.of(options.pid()) : null;
            return new PullResult(label, options.run(), cold, Medians.of(warm), size.compressedBytes(), memory, imageId);
        }
    }

    private String runtimeName(CriClient client) {
        try {
            VersionResponse version = deadline(client).version(VersionRequest.newBuilder().setVersion("v1").build());
            return version.getRuntimeName();
        } catch (StatusRuntimeException e) {
            throw new BenchmarkException("CRI Version at " + options.endpoint() + " failed: " + CriErrors.describe(e)
                    + " (is the daemon running and serving CRI v1 there?)");
        }
    }

    private boolean imagePresent(CriClient client, String where) {
        try {
            ImageStatusResponse status = images(client).imageStatus(ImageStatusRequest.newBuilder()
                    .setImage(spec()).build());
            return status.hasImage() && !status.getImage().getId().isEmpty();
        } catch (StatusRuntimeException e) {
            throw new BenchmarkException(where + ": ImageStatus " + options.image() + " failed: " + CriErrors.describe(e));
        }
    }

    private String pull(CriClient client, String where) {
        return pull(client, where, options.image());
    }

    private String pull(CriClient client, String where, String image) {
        try {
            String ref = images(client).pullImage(PullImageRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(image)).build()).getImageRef();
            if (ref.isEmpty()) {
                throw new BenchmarkException(where + ": PullImage " + image + " returned an empty image_ref");
            }
            return ref;
        } catch (StatusRuntimeException e) {
            throw new BenchmarkException(where + ": PullImage " + image + " failed: " + CriErrors.describe(e));
        }
    }

    private ImageSpec spec() {
        return ImageSpec.newBuilder().setImage(options.image()).build();
    }

    private ImageServiceBlockingStub images(CriClient client) {
        return client.images().withDeadlineAfter(options.timeoutSeconds(), TimeUnit.SECONDS);
    }

    private RuntimeServiceBlockingStub deadline(CriClient client) {
        return client.runtime().withDeadlineAfter(options.timeoutSeconds(), TimeUnit.SECONDS);
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
