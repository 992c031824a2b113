package dev.cortado.image.manifest;

import java.util.List;
import java.util.Map;

/**
 * The execution defaults an image config carries (its {@code config} object). {@code entrypoint}
 * and {@code cmd} stay null when the image leaves them unset, which differs from an empty list
 * when a container's command is merged with the image's.
 */
public record ExecutionConfig(String user, List<String> env, List<String> entrypoint, List<String> cmd,
                              String workingDir, Map<String, String> labels, String stopSignal,
                              List<String> exposedPorts, List<String> volumes) {

    public static final ExecutionConfig EMPTY =
            new ExecutionConfig(null, List.of(), null, null, null, Map.of(), null, List.of(), List.of());

    public ExecutionConfig {
        env = env == null ? List.of() : List.copyOf(env);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        cmd = cmd == null ? null : List.copyOf(cmd);
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        exposedPorts = exposedPorts == null ? List.of() : List.copyOf(exposedPorts);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }
}
