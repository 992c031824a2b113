package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ExecSyncResponse;
import dev.cortado.cri.v1.Mount;
import dev.cortado.cri.v1.MountPropagation;
import dev.cortado.runtime.container.TestMounts.MountLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's bind mounts with each propagation mode, checked by what actually propagates
 * from the host after the container started and by the container's own mount table (a
 * container cannot mount anything itself without CAP_SYS_ADMIN), and read-only binds.
 */
class BindMountTest extends BusyboxDaemonTest {

    BindMountTest() {
        super("ctr-binds");
    }

    @Test
    void eachPropagationModeShowsInTheMountTableAndInWhatPropagates() throws Exception {
        Path base = harness.dir().resolve("binds");
        try (TestMounts host = new TestMounts()) {
            Path privateSource = Files.createDirectories(base.resolve("private/sub"));
            Files.writeString(privateSource.resolveSibling("file.txt"), "private\n");
            Path shared = host.tmpfs(base.resolve("shared"));
            host.makeShared(shared);
            Path toContainer = Files.createDirectories(shared.resolve("h2c/sub"));
            Path bidirectional = Files.createDirectories(shared.resolve("bidi/sub"));
            Path configFile = Files.writeString(base.resolve("config.txt"), "config\n");

            PodFixture.Pod pod = pods.startPod("binds");
            ContainerConfig config = PodFixture.container("main", busybox.reference(), "sleep", "1000")
                    .addMounts(bind(privateSource.getParent(), "/mnt/private", MountPropagation.PROPAGATION_PRIVATE))
                    .addMounts(bind(toContainer.getParent(), "/mnt/h2c",
                            MountPropagation.PROPAGATION_HOST_TO_CONTAINER))
                    .addMounts(bind(bidirectional.getParent(), "/mnt/bidi",
                            MountPropagation.PROPAGATION_BIDIRECTIONAL))
                    .addMounts(bind(configFile, "/etc/config.txt", MountPropagation.PROPAGATION_PRIVATE))
                    .build();
            String id = pods.run(pod, config);
            long pid = pods.info(id).get("pid").asLong();

            assertEquals("private\n", pods.sh(id, "cat /mnt/private/file.txt"));
            assertEquals("config\n", pods.sh(id, "cat /etc/config.txt"), "a single file bind");
            pods.sh(id, "echo from-container > /mnt/private/written.txt");
            assertEquals("from-container\n", Files.readString(privateSource.resolveSibling("written.txt")),
                    "a rw bind writes through to the host");

            // mounts the host makes after the start
            Path privateLate = host.tmpfs(privateSource);
            Path toContainerLate = host.tmpfs(toContainer);
            Path bidirectionalLate = host.tmpfs(bidirectional);
            for (Path late : List.of(privateLate, toContainerLate, bidirectionalLate)) {
                Files.writeString(late.resolve("late.txt"), "late\n");
            }
            assertEquals("1\n", pods.sh(id, "test -e /mnt/private/sub/late.txt; echo $?"),
                    "a private bind must not receive the host's later mounts");
            assertEquals("late\n", pods.sh(id, "cat /mnt/h2c/sub/late.txt"), "host-to-container propagates in");
            assertEquals("late\n", pods.sh(id, "cat /mnt/bidi/sub/late.txt"), "bidirectional propagates in");

            List<MountLine> onHost = MountLine.parse(Files.readString(Path.of("/proc/self/mountinfo")));
            String peerGroup = MountLine.at(onHost, shared.toString()).tag("shared").orElseThrow();
            String lateToContainerGroup = MountLine.at(onHost, toContainerLate.toString()).tag("shared").orElseThrow();
            String lateBidirectionalGroup = MountLine.at(onHost, bidirectionalLate.toString()).tag("shared")
                    .orElseThrow();
            List<MountLine> inside = MountLine.parse(Files.readString(Path.of("/proc/" + pid + "/mountinfo")));
            MountLine privateLine = MountLine.at(inside, "/mnt/private");
            assertEquals(List.of(), privateLine.tags(), "private: " + privateLine);
            MountLine slaveLine = MountLine.at(inside, "/mnt/h2c");
            assertEquals(Optional.of(peerGroup), slaveLine.tag("master"), "rslave of the host's mount: " + slaveLine);
            assertEquals(Optional.empty(), slaveLine.tag("shared"), "nothing propagates out: " + slaveLine);
            MountLine sharedLine = MountLine.at(inside, "/mnt/bidi");
            assertEquals(Optional.of(peerGroup), sharedLine.tag("shared"),
                    "rshared, a peer of the host's mount: " + sharedLine);
            assertEquals(Optional.of(lateBidirectionalGroup), MountLine.at(inside, "/mnt/bidi/sub").tag("shared"),
                    "the mount that propagated in is a peer of the host's");
            assertEquals(Optional.of(lateToContainerGroup), MountLine.at(inside, "/mnt/h2c/sub").tag("master"),
                    "the mount that propagated in is a slave of the host's");
            assertTrue(inside.stream().noneMatch(l -> l.mountPoint().equals("/mnt/private/sub")),
                    "the private bind got the host's later mount");

            harness.removeAllPods();
        }
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains(base.toString()),
                "mounts under " + base + " remain");
    }

    @Test
    void aReadOnlyBindRefusesWrites() throws Exception {
        Path source = Files.createDirectories(harness.dir().resolve("readonly"));
        Files.writeString(source.resolve("data.txt"), "data\n");
        PodFixture.Pod pod = pods.startPod("readonly");
        String id = pods.run(pod, PodFixture.container("main", busybox.reference(), "sleep", "1000")
                .addMounts(bind(source, "/data", MountPropagation.PROPAGATION_PRIVATE).toBuilder().setReadonly(true))
                .build());
        assertEquals("data\n", pods.sh(id, "cat /data/data.txt"));
        for (String write : List.of("touch /data/new.txt", "echo x >> /data/data.txt", "rm /data/data.txt",
                "mkdir /data/dir")) {
            ExecSyncResponse response = pods.exec(id, 10, "sh", "-c", write);
            assertEquals(1, response.getExitCode(), write + " succeeded on a read-only bind");
            assertTrue(response.getStderr().toStringUtf8().contains("Read-only file system"),
                    write + ": " + response.getStderr().toStringUtf8());
        }
        assertEquals(List.of("data.txt"), Files.list(source).map(p -> p.getFileName().toString()).toList());
        assertEquals("data\n", Files.readString(source.resolve("data.txt")));
        long pid = pods.info(id).get("pid").asLong();
        MountLine line = MountLine.at(MountLine.parse(Files.readString(Path.of("/proc/" + pid + "/mountinfo"))),
                "/data");
        assertTrue(line.options().startsWith("ro,"), line.toString());
        assertTrue(pods.sh(id, "echo ok > /tmp/ok && cat /tmp/ok").equals("ok\n"), "the rest stays writable");
    }

    private static Mount bind(Path source, String target, MountPropagation propagation) {
        return Mount.newBuilder().setHostPath(source.toString()).setContainerPath(target)
                .setPropagation(propagation).build();
    }
}
