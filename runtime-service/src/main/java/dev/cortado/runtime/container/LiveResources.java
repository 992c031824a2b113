package dev.cortado.runtime.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.LinuxContainerResources;
import dev.cortado.image.metadata.AtomicFiles;
import dev.cortado.image.metadata.Json;
import dev.cortado.rpc.CriException;
import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.oci.OciConfigJson;
import dev.cortado.runtime.oci.ResourceLimits;
import dev.cortado.runtime.resources.CgroupWriter;
import dev.cortado.runtime.resources.ResourceUpdate;
import dev.cortado.runtime.state.RecordStore;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * A container's cgroup limits: written at create, before its init runs, and changed live by
 * UpdateContainerResources, which also rewrites the stored config (so that ContainerStatus and a
 * restarted daemon see the new values) and config.json's {@code linux.resources}.
 */
final class LiveResources {

    private static final Logger LOG = Logger.getLogger(LiveResources.class.getName());
    static final String CREATE_FIELD = "linux.resources.";
    static final String UPDATE_FIELD = "linux.";

    private final RecordStore<ContainerRecord> records;
    private final CgroupLayout cgroups;
    private final CgroupWriter writer;
    private final ObjectMapper json = Json.newMapper();

    LiveResources(RecordStore<ContainerRecord> records, CgroupLayout cgroups) {
        this.records = records;
        this.cgroups = cgroups;
        this.writer = CgroupWriter.forLayout(cgroups);
    }

    /** At create: the cgroup exists and nothing runs in it yet. */
    void applyAtCreate(Cgroup cgroup, ResourceLimits limits) throws IOException {
        writer.apply(cgroup, limits, CREATE_FIELD);
    }

    void update(Container container, LinuxContainerResources update) throws IOException {
        synchronized (container) {
            ContainerRecord record = container.record();
            if (record.state().equals(ContainerRecord.EXITED)) {
                throw new CriException(Status.Code.FAILED_PRECONDITION, "container " + container.describe()
                        + " has exited: its resources can no longer be updated");
            }
            ContainerConfig config = container.config();
            // the merged whole is checked: an update may set swap alone against the memory limit it keeps
            LinuxContainerResources merged = ResourceUpdate.merge(config.getLinux().getResources(), update);
            ResourceLimits limits = ResourceLimits.from(merged, UPDATE_FIELD);
            writer.apply(new Cgroup(cgroups, record.cgroup()), limits, UPDATE_FIELD);
            ContainerConfig updated = config.toBuilder()
                    .setLinux(config.getLinux().toBuilder().setResources(merged)).build();
            ContainerRecord next = record.withConfig(updated.toByteArray());
            records.save(next.id(), next);
            container.update(next);
            rewriteConfigJson(container.paths().configJson(), limits);
        }
        LOG.info("container " + container.describe() + ": resources updated");
    }

    /** config.json's resources with the new limits; its device rules stay as they were. */
    private void rewriteConfigJson(Path configJson, ResourceLimits limits) throws IOException {
        if (!Files.exists(configJson)) {
            return;
        }
        JsonNode config = json.readTree(configJson.toFile());
        if (!(config.get("linux") instanceof ObjectNode linux)) {
            return;
        }
        ObjectNode resources = OciConfigJson.resources(limits, List.of());
        JsonNode devices = linux.path("resources").get("devices");
        if (devices != null) {
            resources.set("devices", devices);
        }
        linux.set("resources", resources);
        AtomicFiles.writeVolatile(configJson, json.writeValueAsBytes(config));
    }
}
