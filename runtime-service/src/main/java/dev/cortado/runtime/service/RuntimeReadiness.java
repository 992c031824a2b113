package dev.cortado.runtime.service;

import dev.cortado.cri.v1.RuntimeCondition;
import java.util.List;

/**
 * The conditions Status reports. They say false, with the reason, for whatever part is not
 * there: the kubelet must not schedule pods onto a runtime that cannot run them.
 */
public final class RuntimeReadiness {

    private final String configDescription;

    public RuntimeReadiness(String configDescription) {
        this.configDescription = configDescription;
    }

    public List<RuntimeCondition> conditions() {
        return List.of(
                RuntimeCondition.newBuilder().setType("RuntimeReady").setStatus(true).build(),
                RuntimeCondition.newBuilder().setType("NetworkReady").setStatus(false)
                        .setReason("NetworkPluginNotReady")
                        .setMessage("pod networking (CNI) is not implemented yet: only host-network pods work")
                        .build());
    }

    String describeConfig() {
        return configDescription;
    }
}
