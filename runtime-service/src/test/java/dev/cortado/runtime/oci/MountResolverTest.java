package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.IDMapping;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.Mount;
import dev.cortado.cri.v1.MountPropagation;
import dev.cortado.rpc.CriException;
import dev.cortado.shim.plan.InitPlan;
import io.grpc.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MountResolverTest {

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");
    private static final long PRIVATE = MountFlag.PRIVATE | MountFlag.REC;

    @TempDir
    Path dir;

    private TreeWriter host;

    @BeforeEach
    void setUp() {
        host = new TreeWriter(dir);
        host.dir("data/logs").file("config/app.conf", "x=1\n").link("data-link", dir.resolve("data").toString());
    }

    @Test
    void bindsAreCheckedResolvedAndSortedShallowFirst() throws IOException {
        ResolvedMounts resolved = resolve(List.of(
                mount("/var/log/app/deep", "data/logs").setReadonly(true).build(),
                mount("/etc/app.conf", "config/app.conf").build(),
                mount("/srv//data/./", "data-link").build()));
        // equal depths keep the request's order
        assertEquals(List.of(
                new OciMount("/etc/app.conf", "bind", dir.resolve("config/app.conf").toString(),
                        List.of("rbind", "rprivate", "rw")),
                new OciMount("/srv/data", "bind", dir.resolve("data").toString(), List.of("rbind", "rprivate", "rw")),
                new OciMount("/var/log/app/deep", "bind", dir.resolve("data/logs").toString(),
                        List.of("rbind", "rprivate", "ro"))),
                resolved.binds().stream().map(BindMount::mount).toList());
        assertEquals(List.of(InitPlan.MountSpec.FILE, InitPlan.MountSpec.DIRECTORY, InitPlan.MountSpec.DIRECTORY),
                resolved.binds().stream().map(BindMount::kind).toList());
        InitPlan.MountSpec readonly = resolved.binds().get(2).toPlan();
        assertEquals(MountFlag.BIND | MountFlag.REC | MountFlag.RDONLY, readonly.flags());
        assertEquals(PRIVATE, readonly.propagation());
        assertEquals(PRIVATE, resolved.rootPropagation());
        assertEquals(Set.of("/srv/data", "/etc/app.conf", "/var/log/app/deep"), resolved.destinations());
    }

    @Test
    void missingHostPathIsInvalidArgumentNamingIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> resolve(List.of(
                mount("/a", "data").build(), mount("/b", "data").build(),
                Mount.newBuilder().setContainerPath("/c").setHostPath("/x/does/not/exist").build())));
        assertEquals("mounts[2].host_path: /x/does/not/exist does not exist", e.getMessage());
    }

    @Test
    void badContainerPathsAreRefused() {
        assertEquals("mounts[0].container_path: \"rel\" is not an absolute path", assertThrows(
                IllegalArgumentException.class, () -> resolve(List.of(mount("rel", "data").build()))).getMessage());
        assertEquals("mounts[0].container_path: cannot mount over the container's root", assertThrows(
                IllegalArgumentException.class, () -> resolve(List.of(mount("/x/..", "data").build()))).getMessage());
        assertEquals("mounts[1].container_path: /a is the target of an earlier mount too", assertThrows(
                IllegalArgumentException.class,
                () -> resolve(List.of(mount("/a", "data").build(), mount("/a/", "config").build()))).getMessage());
    }

    @Test
    void unsupportedFeaturesAreUnimplemented() {
        CriException image = assertThrows(CriException.class, () -> resolve(List.of(mount("/a", "data")
                .setImage(ImageSpec.newBuilder().setImage("busybox")).build())));
        assertEquals(Status.Code.UNIMPLEMENTED, image.code());
        CriException idmap = assertThrows(CriException.class, () -> resolve(List.of(mount("/a", "data")
                .addUidMappings(IDMapping.newBuilder().setLength(1)).build())));
        assertEquals(Status.Code.UNIMPLEMENTED, idmap.code());
        assertEquals("mounts[0].recursive_read_only: needs readonly as well", assertThrows(IllegalArgumentException.class,
                () -> resolve(List.of(mount("/a", "data").setRecursiveReadOnly(true).build()))).getMessage());
    }

    @Test
    void podFilesAreBoundUnlessACriMountTakesTheirPlace() throws IOException {
        host.file("pod/hosts", "127.0.0.1 localhost\n").file("pod/resolv.conf", "nameserver 10.0.0.10\n")
                .file("pod/hostname", "web\n").dir("pod/shm");
        PodFiles files = new PodFiles(dir.resolve("pod/resolv.conf"), dir.resolve("pod/hosts"),
                dir.resolve("pod/hostname"), dir.resolve("pod/shm"));
        ResolvedMounts resolved = new MountResolver(MOUNTINFO).resolve(
                List.of(mount("/etc/hosts", "config/app.conf").build()), files, true);
        assertEquals(List.of(
                new OciMount("/etc/hosts", "bind", dir.resolve("config/app.conf").toString(), List.of("rbind", "rprivate", "rw")),
                new OciMount("/etc/hostname", "bind", dir.resolve("pod/hostname").toString(), List.of("rbind", "rprivate", "ro")),
                new OciMount("/etc/resolv.conf", "bind", dir.resolve("pod/resolv.conf").toString(),
                        List.of("rbind", "rprivate", "ro")),
                new OciMount("/dev/shm", "bind", dir.resolve("pod/shm").toString(), List.of("rbind", "rprivate", "rw"))),
                resolved.binds().stream().map(BindMount::mount).toList());
        IllegalStateException missing = assertThrows(IllegalStateException.class, () -> new MountResolver(MOUNTINFO)
                .resolve(List.of(), new PodFiles(dir.resolve("gone"), null, null, null), false));
        assertTrue(missing.getMessage().contains("/etc/resolv.conf"), missing.getMessage());
    }

    @Test
    void propagationNeedsTheRightKindOfHostMount() throws IOException {
        try (HostMounts mounts = HostMounts.open()) {
            Path shared = mounts.tmpfs(dir.resolve("shared"));
            mounts.propagation(shared, "shared");
            Path slave = mounts.bind(shared, dir.resolve("slave"));
            mounts.propagation(slave, "slave");
            Path privateMount = mounts.tmpfs(dir.resolve("private"));
            mounts.propagation(privateMount, "private");

            ResolvedMounts both = resolve(List.of(
                    mount("/a", "shared").setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL).build(),
                    mount("/b", "slave").setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER).build()));
            assertEquals(List.of("rbind", "rshared", "rw"), both.binds().get(0).mount().options());
            assertEquals(List.of("rbind", "rslave", "rw"), both.binds().get(1).mount().options());
            assertEquals(MountFlag.SHARED | MountFlag.REC, both.rootPropagation());

            ResolvedMounts fromHost = resolve(List.of(
                    mount("/b", "shared").setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER).build()));
            assertEquals(MountFlag.SLAVE | MountFlag.REC, fromHost.rootPropagation());

            CriException notShared = assertThrows(CriException.class, () -> resolve(List.of(mount("/a", "x").build(),
                    mount("/b", "slave").setPropagation(MountPropagation.PROPAGATION_BIDIRECTIONAL).build())));
            assertEquals(Status.Code.FAILED_PRECONDITION, notShared.code());
            assertEquals("mounts[1].propagation: PROPAGATION_BIDIRECTIONAL needs a shared host mount, but " + slave
                    + " is on " + slave + ", which is not shared (mount --make-rshared " + slave + ")",
                    notShared.getMessage());

            CriException notReceiving = assertThrows(CriException.class, () -> resolve(List.of(
                    mount("/c", "private").setPropagation(MountPropagation.PROPAGATION_HOST_TO_CONTAINER).build())));
            assertEquals(Status.Code.FAILED_PRECONDITION, notReceiving.code());
            assertTrue(notReceiving.getMessage().contains("which is private"), notReceiving.getMessage());
        }
    }

    private ResolvedMounts resolve(List<Mount> mounts) throws IOException {
        host.dir("x");
        return new MountResolver(MOUNTINFO).resolve(mounts, PodFiles.NONE, false);
    }

    private Mount.Builder mount(String containerPath, String hostPath) {
        return Mount.newBuilder().setContainerPath(containerPath).setHostPath(dir.resolve(hostPath).toString());
    }
}
