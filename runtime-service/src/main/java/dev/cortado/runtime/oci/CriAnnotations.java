package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.PodSandboxMetadata;

import java.util.Map;

/**
 * The annotations CRI runtimes put into a container's config.json, under the keys containerd
 * uses, so that tools reading bundles (and people running {@code crictl inspect}) find the
 * container's pod and image.
 */
public final class CriAnnotations {

    private CriAnnotations() {
    }

    public static Map<String, String> of(ContainerRequest request) {
        PodSandboxMetadata pod = request.sandboxConfig().getMetadata();
        var image = request.config().getImage();
        return Map.of(
                "io.kubernetes.cri.container-type", "container",
                "io.kubernetes.cri.container-name", request.config().getMetadata().getName(),
                "io.kubernetes.cri.sandbox-id", request.sandboxId(),
                "io.kubernetes.cri.sandbox-name", pod.getName(),
                "io.kubernetes.cri.sandbox-namespace", pod.getNamespace(),
                "io.kubernetes.cri.sandbox-uid", pod.getUid(),
                "io.kubernetes.cri.image-name",
                image.getUserSpecifiedImage().isEmpty() ? image.getImage() : image.getUserSpecifiedImage());
    }
}
