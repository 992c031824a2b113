package dev.cortado.runtime.sandbox;

import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.runtime.network.PodAddresses;
import dev.cortado.runtime.network.PodNetwork;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A pod's CNI ADD running on a thread of its own ({@code cni-add-<id>}) while RunPodSandbox
 * prepares the rest of the pod: the plugins take tens of milliseconds that the pod's files,
 * shm mount and cgroups need not wait for. {@link #await} always waits for the plugins to
 * finish, so that a failure on either side is cleaned up only after ADD is over.
 */
final class NetworkSetup {

    private final CompletableFuture<PodAddresses> result = new CompletableFuture<>();

    private NetworkSetup() {
    }

    /** Starts ADD in the pinned network namespace {@code netns}. */
    static NetworkSetup start(PodNetwork network, String podId, String netns, PodSandboxConfig config) {
        NetworkSetup setup = new NetworkSetup();
        Thread thread = new Thread(() -> {
            try {
                setup.result.complete(network.attach(podId, netns, config));
            } catch (Throwable failure) {
                setup.result.completeExceptionally(failure);
            }
        }, "cni-add-" + podId.substring(0, Math.min(12, podId.length())));
        thread.setDaemon(true);
        thread.start();
        return setup;
    }

    /** The pod's addresses once ADD is done; its failure as thrown by {@link PodNetwork#attach}. */
    PodAddresses await() throws IOException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    // the plugins run on; leaving before they end would race the cleanup with ADD
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw io;
                    }
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new IOException("network setup failed: " + cause, cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits for ADD to end (at once if it has) and drops its outcome: the caller is failing anyway. */
    void awaitQuietly() {
        try {
            await();
        } catch (IOException | RuntimeException ignored) {
            // the pod is being removed; DEL follows
        }
    }
}
