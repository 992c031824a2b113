package dev.cortado.runtime.resources;

import dev.cortado.rpc.CriException;
import dev.cortado.runtime.cgroup.Cgroup;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.cgroup.Hierarchy;
import dev.cortado.runtime.oci.ResourceLimits;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Limits on a cgroup v1 host: each file in the hierarchy of its controller. A unified key is
 * written where a file of that name exists for the container: in its controller's v1 hierarchy
 * ({@code pids.max} is spelled the same in both versions), else in the cgroup2 mount.
 */
final class V1Writer implements CgroupWriter {

    private final CgroupLayout layout;
    private final SkippableLimits skipped = new SkippableLimits();

    V1Writer(CgroupLayout layout) {
        this.layout = layout;
    }

    @Override
    public void apply(Cgroup cgroup, ResourceLimits limits, String prefix) throws IOException {
        List<Target> unified = new ArrayList<>();
        for (Map.Entry<String, String> entry : limits.unified().entrySet()) {
            CgroupFile file = V2Files.unified(entry.getKey(), entry.getValue(), prefix);
            Path path = unifiedTarget(cgroup, file);
            ControlFiles.checkUnified(path, file);
            unified.add(new Target(path, file));
        }
        List<CgroupFile> files = V1Files.of(limits, prefix);
        for (CgroupFile file : files) {
            Optional<Hierarchy> hierarchy = legacy(file.controller());
            if (hierarchy.isEmpty()) {
                skipOrRefuse(cgroup, file, "the " + file.controller()
                        + " cgroup controller is not mounted on this host");
                continue;
            }
            Path path = cgroup.directory(hierarchy.get()).resolve(file.name());
            if (file.name().equals(V1Files.MEMORY_LIMIT)) {
                swapFirstIfRaising(cgroup, files, path);
            }
            try {
                ControlFiles.write(path, file);
            } catch (NoSuchFileException missing) {
                skipOrRefuse(cgroup, file, "cgroup " + cgroup + " has no " + path);
            }
        }
        for (Target target : unified) {
            ControlFiles.write(target.path(), target.file());
        }
    }

    /**
     * The kernel keeps memory.limit_in_bytes at or below memory.memsw.limit_in_bytes at every
     * step: raising memory above the current memory+swap limit needs the latter raised first.
     */
    private static void swapFirstIfRaising(Cgroup cgroup, List<CgroupFile> files, Path memoryFile) throws IOException {
        CgroupFile memory = files.stream().filter(f -> f.name().equals(V1Files.MEMORY_LIMIT)).findFirst().orElseThrow();
        Optional<CgroupFile> memsw = files.stream().filter(f -> f.name().equals(V1Files.MEMSW_LIMIT)).findFirst();
        Path memswFile = memoryFile.resolveSibling(V1Files.MEMSW_LIMIT);
        if (memsw.isEmpty() || !Files.exists(memswFile)) {
            return;
        }
        long current = Long.parseLong(ControlFiles.read(memswFile));
        if (Long.parseLong(memory.value()) > current) {
            ControlFiles.write(memswFile, memsw.get());
        }
    }

    private Optional<Hierarchy> legacy(String controller) {
        return layout.legacy().stream().filter(h -> h.has(controller)).findFirst();
    }

    private Path unifiedTarget(Cgroup cgroup, CgroupFile file) {
        Optional<Hierarchy> own = legacy(file.controller());
        if (own.isPresent()) {
            Path path = cgroup.directory(own.get()).resolve(file.name());
            if (Files.isRegularFile(path)) {
                return path;
            }
        }
        Optional<Hierarchy> unified = layout.unified();
        if (unified.isPresent()) {
            return cgroup.directory(unified.get()).resolve(file.name());
        }
        return own.map(h -> cgroup.directory(h).resolve(file.name()))
                .orElseThrow(() -> new IllegalArgumentException(file.field() + ": no cgroup hierarchy of this host has"
                        + " the " + file.controller() + " controller"));
    }

    private void skipOrRefuse(Cgroup cgroup, CgroupFile file, String problem) {
        if (!SkippableLimits.canSkip(file)) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, file.field() + ": " + problem);
        }
        skipped.skipped(cgroup, file);
    }

    private record Target(Path path, CgroupFile file) {
    }
}
