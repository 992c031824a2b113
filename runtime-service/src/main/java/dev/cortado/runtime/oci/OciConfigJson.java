package dev.cortado.runtime.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.runtime.seccomp.OciSeccompJson;
import dev.cortado.shim.plan.InitPlan;

import java.util.List;

/**
 * Writes a {@link ContainerSpec} as an OCI runtime-spec config.json (version 1.0.2, what Debian's
 * runc 1.1 speaks; nothing here needs a later one). The rootfs path is absolute, so the bundle
 * directory can be anywhere.
 */
public final class OciConfigJson {

    public static final String OCI_VERSION = "1.0.2";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private OciConfigJson() {
    }

    public static ObjectNode render(ContainerSpec spec) {
        ObjectNode config = JSON.objectNode();
        config.put("ociVersion", OCI_VERSION);
        config.set("process", process(spec));
        ObjectNode root = config.putObject("root");
        root.put("path", spec.rootfs());
        root.put("readonly", spec.readonlyRootfs());
        if (spec.hostname() != null) {
            config.put("hostname", spec.hostname());
        }
        ArrayNode mounts = config.putArray("mounts");
        for (OciMount m : spec.mounts()) {
            ObjectNode mount = mounts.addObject();
            mount.put("destination", m.destination());
            mount.put("type", m.type());
            mount.put("source", m.source());
            strings(mount.putArray("options"), m.options());
        }
        ObjectNode annotations = config.putObject("annotations");
        spec.annotations().forEach(annotations::put);
        config.set("linux", linux(spec));
        return config;
    }

    private static ObjectNode process(ContainerSpec spec) {
        ObjectNode process = JSON.objectNode();
        process.put("terminal", spec.tty());
        ObjectNode user = process.putObject("user");
        user.put("uid", spec.user().uid());
        user.put("gid", spec.user().gid());
        ArrayNode gids = user.putArray("additionalGids");
        spec.user().additionalGids().forEach(gids::add);
        strings(process.putArray("args"), spec.args());
        strings(process.putArray("env"), spec.env());
        process.put("cwd", spec.cwd());
        InitPlan.Capabilities caps = spec.capabilities();
        ObjectNode capabilities = process.putObject("capabilities");
        strings(capabilities.putArray("bounding"), Capabilities.names(caps.bounding()));
        strings(capabilities.putArray("effective"), Capabilities.names(caps.effective()));
        strings(capabilities.putArray("inheritable"), Capabilities.names(caps.inheritable()));
        strings(capabilities.putArray("permitted"), Capabilities.names(caps.permitted()));
        strings(capabilities.putArray("ambient"), Capabilities.names(caps.ambient()));
        process.put("noNewPrivileges", spec.noNewPrivileges());
        process.put("oomScoreAdj", spec.oomScoreAdj());
        return process;
    }

    private static ObjectNode linux(ContainerSpec spec) {
        ObjectNode linux = JSON.objectNode();
        linux.set("resources", resources(spec.resources(), spec.deviceRules()));
        linux.put("cgroupsPath", spec.cgroups().cgroupsPath());
        ArrayNode namespaces = linux.putArray("namespaces");
        namespace(namespaces, "pid", spec.namespaces().pid());
        namespace(namespaces, "ipc", spec.namespaces().ipc());
        namespace(namespaces, "uts", spec.namespaces().uts());
        namespaces.addObject().put("type", "mount");
        namespace(namespaces, "network", spec.namespaces().network());
        ArrayNode devices = linux.putArray("devices");
        for (InitPlan.DeviceNode d : spec.devices()) {
            ObjectNode device = devices.addObject();
            device.put("path", d.path());
            device.put("type", d.type() == DefaultDevices.S_IFBLK ? "b" : "c");
            device.put("major", d.major());
            device.put("minor", d.minor());
            device.put("fileMode", d.mode());
            device.put("uid", Integer.toUnsignedLong(d.uid()));
            device.put("gid", Integer.toUnsignedLong(d.gid()));
        }
        strings(linux.putArray("maskedPaths"), spec.maskedPaths());
        strings(linux.putArray("readonlyPaths"), spec.readonlyPaths());
        linux.put("rootfsPropagation", MountOptions.propagationName(spec.rootPropagation()));
        if (spec.seccomp() != null) {
            linux.set("seccomp", OciSeccompJson.render(spec.seccomp().profile()));
        }
        return linux;
    }

    /** config.json's {@code linux.resources}; UpdateContainerResources rewrites it with this too. */
    public static ObjectNode resources(ResourceLimits limits, List<DeviceRule> rules) {
        ObjectNode resources = JSON.objectNode();
        ArrayNode devices = resources.putArray("devices");
        for (DeviceRule rule : rules) {
            ObjectNode device = devices.addObject();
            device.put("allow", rule.allow());
            device.put("type", rule.type());
            if (rule.major() >= 0) {
                device.put("major", rule.major());
            }
            if (rule.minor() >= 0) {
                device.put("minor", rule.minor());
            }
            device.put("access", rule.access());
        }
        ObjectNode cpu = JSON.objectNode();
        putIfSet(cpu, "shares", limits.cpuShares());
        putIfSet(cpu, "quota", limits.cpuQuota());
        putIfSet(cpu, "period", limits.cpuPeriod());
        if (!limits.cpusetCpus().isEmpty()) {
            cpu.put("cpus", limits.cpusetCpus());
        }
        if (!limits.cpusetMems().isEmpty()) {
            cpu.put("mems", limits.cpusetMems());
        }
        if (!cpu.isEmpty()) {
            resources.set("cpu", cpu);
        }
        ObjectNode memory = JSON.objectNode();
        putIfSet(memory, "limit", limits.memoryLimit());
        putIfSet(memory, "swap", limits.memorySwap());
        if (!memory.isEmpty()) {
            resources.set("memory", memory);
        }
        if (!limits.hugepages().isEmpty()) {
            ArrayNode pages = resources.putArray("hugepageLimits");
            limits.hugepages().forEach((size, limit) -> pages.addObject().put("pageSize", size).put("limit", limit));
        }
        if (!limits.unified().isEmpty()) {
            ObjectNode unified = resources.putObject("unified");
            limits.unified().forEach(unified::put);
        }
        return resources;
    }

    private static void namespace(ArrayNode namespaces, String type, NamespaceSetting setting) {
        switch (setting.sharing()) {
            case HOST -> { }
            case NEW -> namespaces.addObject().put("type", type);
            case JOIN -> namespaces.addObject().put("type", type).put("path", setting.path().toString());
        }
    }

    private static void putIfSet(ObjectNode node, String name, Long value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}
