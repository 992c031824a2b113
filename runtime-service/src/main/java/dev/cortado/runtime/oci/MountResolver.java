package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.Mount;
import dev.cortado.cri.v1.MountPropagation;
import dev.cortado.rpc.CriException;
import dev.cortado.shim.plan.InitPlan;
import io.grpc.Status;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the CRI mounts and turns them, with the pod's shared files, into bind mounts as
 * containerd does: recursive binds of the host path's real location, read-only when asked,
 * with private, slave (host to container) or shared (both ways) propagation. A slave mount needs
 * its host mount to be shared or a slave itself and a shared one needs it shared, or nothing
 * would ever propagate; both are refused otherwise with the command that fixes the host.
 */
public final class MountResolver {

    private static final long REC = MountFlag.REC;

    private final Path mountInfoFile;
    private MountInfo mountInfo;

    /** @param mountInfoFile the mount table to check propagation against, read only if needed */
    public MountResolver(Path mountInfoFile) {
        this.mountInfoFile = mountInfoFile;
    }

    public ResolvedMounts resolve(List<Mount> requested, PodFiles podFiles, boolean readonlyRootfs)
            throws IOException {
        List<BindMount> binds = new ArrayList<>();
        Set<String> destinations = new HashSet<>();
        long root = MountFlag.PRIVATE | REC;
        for (int i = 0; i < requested.size(); i++) {
            Mount mount = requested.get(i);
            String field = "mounts[" + i + "]";
            checkSupported(mount, field);
            String destination = containerPath(field + ".container_path", mount.getContainerPath());
            if (!destinations.add(destination)) {
                throw InvalidField.of(field + ".container_path", destination + " is the target of an earlier mount too");
            }
            Path source = hostPath(field + ".host_path", mount.getHostPath());
            String propagation = switch (mount.getPropagation()) {
                case PROPAGATION_PRIVATE -> "rprivate";
                case PROPAGATION_HOST_TO_CONTAINER -> {
                    requireReceiving(source, field);
                    root = root == (MountFlag.SHARED | REC) ? root : MountFlag.SLAVE | REC;
                    yield "rslave";
                }
                case PROPAGATION_BIDIRECTIONAL -> {
                    requireShared(source, field);
                    root = MountFlag.SHARED | REC;
                    yield "rshared";
                }
                default -> throw InvalidField.of(field + ".propagation",
                        "unknown propagation " + mount.getPropagationValue());
            };
            binds.add(bind(source, destination, propagation, mount.getReadonly(), mount.getRecursiveReadOnly()));
        }
        addPodFile(binds, destinations, podFiles.hosts(), "/etc/hosts", readonlyRootfs);
        addPodFile(binds, destinations, podFiles.hostname(), "/etc/hostname", readonlyRootfs);
        addPodFile(binds, destinations, podFiles.resolvConf(), "/etc/resolv.conf", readonlyRootfs);
        addPodFile(binds, destinations, podFiles.devShm(), DefaultMounts.DEV_SHM, false);
        // shallower first, so that a mount never hides one made inside it (a stable sort, as containerd's)
        binds.sort(Comparator.comparingInt(b -> depth(b.mount().destination())));
        return new ResolvedMounts(binds, destinations, root);
    }

    private static void checkSupported(Mount mount, String field) {
        if (mount.hasImage() && !mount.getImage().getImage().isEmpty()) {
            throw new CriException(Status.Code.UNIMPLEMENTED, field + ".image: image volumes are not supported");
        }
        if (mount.getUidMappingsCount() > 0 || mount.getGidMappingsCount() > 0) {
            throw new CriException(Status.Code.UNIMPLEMENTED,
                    field + ": id-mapped mounts are not supported (no user namespaces)");
        }
        if (mount.getRecursiveReadOnly()) {
            if (!mount.getReadonly()) {
                throw InvalidField.of(field + ".recursive_read_only", "needs readonly as well");
            }
            // a submount propagated in later would arrive writable, so the CRI allows private only
            if (mount.getPropagation() != MountPropagation.PROPAGATION_PRIVATE) {
                throw InvalidField.of(field + ".recursive_read_only", "needs propagation PROPAGATION_PRIVATE, not "
                        + mount.getPropagation());
            }
        }
    }

    /** An absolute path, cleaned of ".", ".." and repeated slashes; never "/" itself. */
    static String containerPath(String field, String value) {
        InvalidField.absolutePath(field, value);
        String clean = Path.of(value).normalize().toString();
        if (clean.equals("/")) {
            throw InvalidField.of(field, "cannot mount over the container's root");
        }
        return clean;
    }

    private static Path hostPath(String field, String value) throws IOException {
        InvalidField.absolutePath(field, value);
        Path path = Path.of(value);
        if (!Files.exists(path)) {
            throw InvalidField.of(field, value + " does not exist");
        }
        return path.toRealPath();
    }

    private static BindMount bind(Path source, String destination, String propagation, boolean readonly,
                                  boolean recursiveReadonly) {
        int kind = Files.isDirectory(source) ? InitPlan.MountSpec.DIRECTORY : InitPlan.MountSpec.FILE;
        String access = recursiveReadonly ? "rro" : readonly ? "ro" : "rw";
        return new BindMount(new OciMount(destination, "bind", source.toString(),
                List.of("rbind", propagation, access)), kind);
    }

    private static void addPodFile(List<BindMount> binds, Set<String> destinations, Path file, String destination,
                                   boolean readonly) throws IOException {
        if (file == null || destinations.contains(destination)) {
            return;
        }
        if (!Files.exists(file)) {
            throw new IllegalStateException("the pod's " + destination + " source " + file + " is missing");
        }
        destinations.add(destination);
        binds.add(bind(file.toRealPath(), destination, "rprivate", readonly, false));
    }

    private void requireShared(Path source, String field) throws IOException {
        MountPoint host = hostMount(source);
        if (!host.shared()) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, field + ".propagation: PROPAGATION_BIDIRECTIONAL "
                    + "needs a shared host mount, but " + source + " is on " + host.mountPoint()
                    + ", which is not shared (mount --make-rshared " + host.mountPoint() + ")");
        }
    }

    private void requireReceiving(Path source, String field) throws IOException {
        MountPoint host = hostMount(source);
        if (!host.shared() && !host.slave()) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, field + ".propagation: "
                    + "PROPAGATION_HOST_TO_CONTAINER needs a shared or slave host mount, but " + source + " is on "
                    + host.mountPoint() + ", which is private (mount --make-rshared " + host.mountPoint() + ")");
        }
    }

    private MountPoint hostMount(Path source) throws IOException {
        if (mountInfo == null) {
            mountInfo = MountInfo.read(mountInfoFile);
        }
        return mountInfo.containing(source)
                .orElseThrow(() -> new IOException("no mount in " + mountInfoFile + " holds " + source));
    }

    private static int depth(String destination) {
        return Path.of(destination).getNameCount();
    }
}
