package dev.cortado.runtime.oci;

import dev.cortado.shim.plan.InitPlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A privileged container's devices: the host's nodes, with the request's own taking their paths. */
final class PrivilegedDevices {

    private PrivilegedDevices() {
    }

    static List<DeviceResolver.ContainerDevice> withHostDevices(List<InitPlan.DeviceNode> host,
                                                                List<DeviceResolver.ContainerDevice> requested) {
        Map<String, DeviceResolver.ContainerDevice> byPath = new LinkedHashMap<>();
        for (InitPlan.DeviceNode node : host) {
            // the rule is never used: a privileged container's device cgroup allows everything
            byPath.put(node.path(), new DeviceResolver.ContainerDevice(node, new DeviceRule(true,
                    node.type() == DefaultDevices.S_IFBLK ? "b" : "c", node.major(), node.minor(), "rwm")));
        }
        for (DeviceResolver.ContainerDevice device : requested) {
            byPath.remove(device.node().path());
            byPath.put(device.node().path(), device);
        }
        return new ArrayList<>(byPath.values());
    }
}
