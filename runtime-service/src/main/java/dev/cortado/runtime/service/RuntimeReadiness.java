package dev.cortado.runtime.service;

import dev.cortado.cri.v1.RuntimeCondition;
import dev.cortado.runtime.network.NetworkState;
import java.util.List;
import java.util.function.Supplier;

/**
 * The conditions Status reports. They say false, with the reason, for whatever part is not
 * there: the kubelet must not schedule pods onto a runtime that cannot run them.
 */
public final class RuntimeReadiness {

    private final String configDescription;
    private final Supplier<NetworkState> network;

    public RuntimeReadiness(String configDescription, Supplier<NetworkState> network) {
        this.configDescription = configDescription;
        this.network = network;
    }

    public List<RuntimeCondition> conditions() {
        NetworkState state = network.get();
        RuntimeCondition.Builder networkReady = RuntimeCondition.newBuilder().setType("NetworkReady")
                .setStatus(state.ready());
        if (!state.ready()) {
            // the reason the kubelet and containerd use; what exactly is missing goes in the message
            networkReady.setReason("NetworkPluginNotReady").setMessage("Network plugin returns error: "
                    + state.message());
        }
        return List.of(
                RuntimeCondition.newBuilder().setType("RuntimeReady").setStatus(true).build(),
                networkReady.build());
    }

    String describeConfig() {
        return configDescription;
    }
}
