package dev.cortado.runtime.resources;

import dev.cortado.rpc.CriException;
import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.cgroup.Hierarchy;
import dev.cortado.runtime.oci.ResourceLimits;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Limits on a cgroup v2 host: every file in the container's one directory of the unified tree. */
final class V2Writer implements CgroupWriter {

    private final Hierarchy unified;
    private final SkippableLimits skipped = new SkippableLimits();

    V2Writer(CgroupLayout layout) {
        this.unified = layout.unified().orElseThrow(() -> new IllegalStateException("no cgroup2 mount"));
    }

    @Override
    public void apply(Cgroup cgroup, ResourceLimits limits, String prefix) throws IOException {
        Path dir = cgroup.directory(unified);
        List<CgroupFile> files = V2Files.of(limits, prefix);
        for (CgroupFile file : files) {
            if (limits.unified().containsKey(file.name())) {
                ControlFiles.checkUnified(dir.resolve(file.name()), file);
            }
        }
        for (CgroupFile file : files) {
            try {
                ControlFiles.write(dir.resolve(file.name()), file);
            } catch (NoSuchFileException missing) {
                if (!SkippableLimits.canSkip(file)) {
                    throw new CriException(Status.Code.FAILED_PRECONDITION, file.field() + ": cgroup " + cgroup
                            + " has no " + file.name() + ": the " + file.controller()
                            + " controller is not enabled for it on this host");
                }
                skipped.skipped(cgroup, file);
            }
        }
    }
}
