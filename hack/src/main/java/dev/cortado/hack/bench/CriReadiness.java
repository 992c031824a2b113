package dev.cortado.hack.bench;

import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.ImageStatusRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a just-started runtime to serve CRI. A daemon may listen before its services are
 * initialised (containerd's CRI plugin answers "server is not initialized yet" for a moment), so
 * this polls ImageStatus until it answers at all. UNIMPLEMENTED is final: that runtime has no
 * image service to wait for.
 */
final class CriReadiness {
    private static final long POLL_MILLIS = 50;

    private CriReadiness() {
    }

    /** Returns once ImageStatus of {@code image} answers; {@code where} names the runtime in errors. */
    static void awaitImageService(CriClient client, String image, String where, long readySeconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(readySeconds);
        ImageStatusRequest request = ImageStatusRequest.newBuilder()
                .setImage(ImageSpec.newBuilder().setImage(image)).build();
        while (true) {
            try {
                client.images().withDeadlineAfter(readySeconds, TimeUnit.SECONDS).imageStatus(request);
                return;
            } catch (StatusRuntimeException e) {
                if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED || System.nanoTime() > deadline) {
                    throw new BenchmarkException(where + ": ImageStatus is not answering after "
                            + readySeconds + " s: " + CriErrors.describe(e)
                            + (e.getStatus().getCode() == Status.Code.UNAVAILABLE
                            ? " (is the daemon running and listening on that socket?)" : ""));
                }
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchmarkException(where + ": interrupted while waiting for the image service");
            }
        }
    }
}
