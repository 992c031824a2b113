package dev.cortado.runtime.resources;

import dev.cortado.rpc.CriException;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/** Writing one cgroup control file, with the kernel's refusals turned into errors a person can act on. */
final class ControlFiles {

    /** Files through which the unified map could move processes or reshape the tree: the runtime's own. */
    private static final Set<String> RUNTIME_OWNED = Set.of("cgroup.procs", "cgroup.threads", "cgroup.subtree_control",
            "cgroup.kill", "cgroup.type", "cgroup.freeze", "tasks", "notify_on_release", "release_agent");

    private ControlFiles() {
    }

    /** Writes the value, replacing what the file held; the file must exist (a cgroup file is never created). */
    static void write(Path file, CgroupFile entry) throws IOException {
        try {
            Files.write(file, entry.value().getBytes(StandardCharsets.UTF_8), StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (NoSuchFileException missing) {
            throw missing;
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            String what = entry.field() + ": the kernel refused \"" + entry.value() + "\" for " + file;
            if (why.contains("Invalid argument") || why.contains("Numerical result out of range")) {
                throw new IllegalArgumentException(what + " (" + why + ")", e);
            }
            throw new CriException(Status.Code.FAILED_PRECONDITION, what + ": " + why);
        }
    }

    /**
     * Checks a unified key before anything is written: a file of the cgroup, not one the runtime
     * manages itself.
     */
    static void checkUnified(Path file, CgroupFile entry) {
        if (RUNTIME_OWNED.contains(entry.name())) {
            throw new IllegalArgumentException(entry.field() + ": \"" + entry.name()
                    + "\" is managed by the runtime and cannot be set");
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(entry.field() + ": the container's cgroup has no file \""
                    + entry.name() + "\" (" + file + "): no such control file, or its controller is not enabled"
                    + " on this host");
        }
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
    }
}
