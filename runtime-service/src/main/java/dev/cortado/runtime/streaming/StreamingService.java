package dev.cortado.runtime.streaming;

import dev.cortado.cri.v1.AttachRequest;
import dev.cortado.cri.v1.AttachResponse;
import dev.cortado.cri.v1.ExecRequest;
import dev.cortado.cri.v1.ExecResponse;
import dev.cortado.cri.v1.PortForwardRequest;
import dev.cortado.cri.v1.PortForwardResponse;
import dev.cortado.rpc.CriException;
import io.grpc.Status;
import java.util.function.BiFunction;

/**
 * The Exec, Attach and PortForward RPCs: validate the request as the kubelet would (the container
 * checks are {@link ContainerStreams}'), then issue a single-use URL of the streaming server for it.
 */
public final class StreamingService {

    private final StreamTokens tokens;
    private final ContainerStreams containers;
    private final BiFunction<StreamTarget, String, String> urls;

    /** @param urls the URL of a target and its token (the streaming server's {@code url}) */
    public StreamingService(StreamTokens tokens, ContainerStreams containers,
                            BiFunction<StreamTarget, String, String> urls) {
        this.tokens = tokens;
        this.containers = containers;
        this.urls = urls;
    }

    public ExecResponse exec(ExecRequest request) {
        requireId(request.getContainerId(), "container_id");
        if (request.getCmdCount() == 0) {
            throw CriException.invalid("cmd is required: the command to run in container "
                    + request.getContainerId());
        }
        containers.checkExec(request.getContainerId(), request.getCmdList(), request.getTty(), request.getStdin(),
                request.getStdout(), request.getStderr());
        return ExecResponse.newBuilder().setUrl(issue(new StreamTarget.Exec(request.getContainerId(),
                request.getCmdList(), request.getTty(), request.getStdin(), request.getStdout(), request.getStderr())))
                .build();
    }

    public AttachResponse attach(AttachRequest request) {
        requireId(request.getContainerId(), "container_id");
        containers.checkAttach(request.getContainerId(), request.getTty(), request.getStdin(), request.getStdout(),
                request.getStderr());
        return AttachResponse.newBuilder().setUrl(issue(new StreamTarget.Attach(request.getContainerId(),
                request.getTty(), request.getStdin(), request.getStdout(), request.getStderr()))).build();
    }

    public PortForwardResponse portForward(PortForwardRequest request) {
        requireId(request.getPodSandboxId(), "pod_sandbox_id");
        for (int port : request.getPortList()) {
            if (port < 1 || port > 65535) {
                throw CriException.invalid("port " + port + " is not a TCP port (1 to 65535)");
            }
        }
        // resolves the pod (NOT_FOUND if it does not exist) before a URL is spent on it
        containers.podNetworkNamespace(request.getPodSandboxId());
        return PortForwardResponse.newBuilder().setUrl(issue(new StreamTarget.PortForward(request.getPodSandboxId(),
                request.getPortList()))).build();
    }

    private String issue(StreamTarget target) {
        String token = tokens.issue(target).orElseThrow(() -> new CriException(Status.Code.RESOURCE_EXHAUSTED,
                "too many streaming URLs are outstanding (" + StreamTokens.DEFAULT_LIMIT + "); each is spent when"
                        + " used or after " + StreamTokens.TTL.toSeconds() + " s"));
        return urls.apply(target, token);
    }

    private static void requireId(String id, String field) {
        if (id.isBlank()) {
            throw CriException.invalid(field + " is required");
        }
    }
}
