package dev.cortado.runtime.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.util.JsonFormat;
import dev.cortado.cri.v1.LinuxPodSandboxStatus;
import dev.cortado.cri.v1.Namespace;
import dev.cortado.cri.v1.PodSandbox;
import dev.cortado.cri.v1.PodIP;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxNetworkStatus;
import dev.cortado.cri.v1.PodSandboxState;
import dev.cortado.cri.v1.PodSandboxStatus;
import dev.cortado.runtime.network.NetworkAttachment;
import dev.cortado.runtime.network.PodAddresses;
import dev.cortado.runtime.sandbox.Sandbox;
import dev.cortado.runtime.sandbox.SandboxRecord;
import java.io.IOException;

/** How pods look to the kubelet: the CRI's PodSandbox and PodSandboxStatus, and verbose info. */
final class SandboxViews {

    private final ObjectMapper json = new ObjectMapper();

    PodSandbox item(Sandbox sandbox) {
        PodSandboxConfig config = sandbox.config();
        SandboxRecord record = sandbox.record();
        return PodSandbox.newBuilder()
                .setId(sandbox.id())
                .setMetadata(config.getMetadata())
                .setState(state(sandbox))
                .setCreatedAt(record.createdAt())
                .putAllLabels(config.getLabelsMap())
                .putAllAnnotations(config.getAnnotationsMap())
                .setRuntimeHandler(record.runtimeHandler())
                .build();
    }

    PodSandboxStatus status(Sandbox sandbox, PodAddresses addresses) {
        PodSandboxConfig config = sandbox.config();
        SandboxRecord record = sandbox.record();
        return PodSandboxStatus.newBuilder()
                .setId(sandbox.id())
                .setMetadata(config.getMetadata())
                .setState(state(sandbox))
                .setCreatedAt(record.createdAt())
                .setNetwork(network(addresses))
                .setLinux(LinuxPodSandboxStatus.newBuilder().setNamespaces(Namespace.newBuilder()
                        .setOptions(sandbox.namespaceOptions())))
                .putAllLabels(config.getLabelsMap())
                .putAllAnnotations(config.getAnnotationsMap())
                .setRuntimeHandler(record.runtimeHandler())
                .build();
    }

    private static PodSandboxNetworkStatus network(PodAddresses addresses) {
        PodSandboxNetworkStatus.Builder network = PodSandboxNetworkStatus.newBuilder().setIp(addresses.ip());
        for (String ip : addresses.additional()) {
            network.addAdditionalIps(PodIP.newBuilder().setIp(ip));
        }
        return network.build();
    }

    static PodSandboxState state(Sandbox sandbox) {
        return sandbox.ready() ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY;
    }

    /** What {@code crictl inspectp} shows beyond the status: namespaces, cgroup, pod init, config. */
    String info(Sandbox sandbox, NetworkAttachment attachment, String check) throws IOException {
        SandboxRecord record = sandbox.record();
        ObjectNode info = json.createObjectNode();
        info.put("id", record.id());
        info.put("cgroup", record.cgroup());
        info.put("podInitPid", record.podInitPid());
        ObjectNode namespaces = info.putObject("namespaces");
        if (record.ready()) {
            namespaces.put("network", record.namespaces().net() == null ? "host" : record.namespaces().net());
            namespaces.put("ipc", record.namespaces().ipc() == null ? "host" : record.namespaces().ipc());
            namespaces.put("uts", record.namespaces().uts() == null ? "host" : record.namespaces().uts());
            namespaces.put("pid", record.namespaces().pid() == null ? "per container or host"
                    : record.namespaces().pid());
        } else {
            namespaces.put("released", "the pod is stopped: its namespaces were given back");
        }
        info.put("files", record.filesDir());
        if (attachment != null) {
            ObjectNode network = info.putObject("cni");
            network.set("config", attachment.network());
            network.set("runtimeConfig", attachment.runtimeConfig());
            network.set("result", attachment.result());
            network.put("check", check);
        }
        info.set("config", json.readTree(JsonFormat.printer().print(sandbox.config())));
        return json.writerWithDefaultPrettyPrinter().writeValueAsString(info);
    }
}
