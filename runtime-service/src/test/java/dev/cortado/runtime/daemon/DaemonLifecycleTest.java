package dev.cortado.runtime.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.CgroupDriver;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.ListImagesRequest;
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.cri.v1.PullImageResponse;
import dev.cortado.cri.v1.CheckpointContainerRequest;
import dev.cortado.cri.v1.RuntimeCondition;
import dev.cortado.cri.v1.RuntimeConfigRequest;
import dev.cortado.cri.v1.StatusRequest;
import dev.cortado.cri.v1.StatusResponse;
import dev.cortado.cri.v1.VersionRequest;
import dev.cortado.cri.v1.VersionResponse;
import dev.cortado.hack.bench.CriClient;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.TempDirs;
import dev.cortado.linux.MountFlags;
import dev.cortado.linux.Syscalls;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The daemon as an operator meets it: flags, start-up checks, the basic RPCs, and stopping. */
class DaemonLifecycleTest {

    private Path dir;

    @BeforeEach
    void createDir() {
        dir = TempDirs.create("cortado-lifecycle");
    }

    @AfterEach
    void deleteDir() throws IOException {
        TempDirs.deleteTree(dir);
    }

    @Test
    void helpListsEveryFlagAndExitsZero() throws Exception {
        try (DaemonProcess help = DaemonProcess.launch(dir, "--help")) {
            assertEquals(0, help.waitFor(Duration.ofSeconds(30)));
            String out = help.log();
            for (String flag : new String[] {"--config", "--root", "--state", "--socket", "--log-level",
                    "--max-concurrent-downloads", "/run/cortado/cortado.sock", "/var/lib/cortado"}) {
                assertTrue(out.contains(flag), "help lacks " + flag + ":\n" + out);
            }
        }
    }

    @Test
    void badFlagsAndConfigExitTwoNamingTheProblem() throws Exception {
        try (DaemonProcess bad = DaemonProcess.launch(dir, "--no-such-flag")) {
            assertEquals(2, bad.waitFor(Duration.ofSeconds(30)));
            assertTrue(bad.log().contains("unknown flag \"--no-such-flag\""), bad.log());
        }
        Path config = dir.resolve("bad.toml");
        Files.writeString(config, "root = \"/var/lib/x\"\nmax_concurent_downloads = 4\n");
        try (DaemonProcess bad = DaemonProcess.launch(dir.resolve("b"), "--config", config.toString())) {
            assertEquals(2, bad.waitFor(Duration.ofSeconds(30)));
            assertTrue(bad.log().contains("unknown key \"max_concurent_downloads\""), bad.log());
        }
    }

    @Test
    void answersVersionStatusAndRuntimeConfig() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir)) {
            VersionResponse version = daemon.client().runtime().version(VersionRequest.getDefaultInstance());
            assertEquals("cortado", version.getRuntimeName());
            assertEquals("v1", version.getRuntimeApiVersion());
            assertEquals("0.1.0", version.getVersion());
            assertFalse(version.getRuntimeVersion().isEmpty());

            StatusResponse status = daemon.client().runtime().status(StatusRequest.newBuilder().setVerbose(true).build());
            Map<String, RuntimeCondition> conditions = status.getStatus().getConditionsList().stream()
                    .collect(Collectors.toMap(RuntimeCondition::getType, Function.identity()));
            assertTrue(conditions.get("RuntimeReady").getStatus());
            assertFalse(conditions.get("NetworkReady").getStatus());
            assertEquals("NetworkPluginNotReady", conditions.get("NetworkReady").getReason());

            assertEquals(CgroupDriver.CGROUPFS, daemon.client().runtime()
                    .runtimeConfig(RuntimeConfigRequest.getDefaultInstance()).getLinux().getCgroupDriver());
        }
    }

    @Test
    void unimplementedRpcsSayWhichRpc() throws Exception {
        try (DaemonProcess daemon = DaemonProcess.start(dir)) {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
                    () -> daemon.client().runtime().checkpointContainer(
                            CheckpointContainerRequest.getDefaultInstance()));
            assertEquals(Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("CheckpointContainer"), e.getStatus().getDescription());
        }
    }

    @Test
    void refusesASocketALiveDaemonHolds() throws Exception {
        try (DaemonProcess first = DaemonProcess.start(dir.resolve("a"))) {
            Path socket = DaemonProcess.socket(first.dir());
            try (DaemonProcess second = DaemonProcess.launch(dir.resolve("b"), "--socket", socket.toString())) {
                assertEquals(1, second.waitFor(Duration.ofSeconds(30)));
                assertTrue(second.log().contains("is in use by a live daemon"), second.log());
            }
            assertEquals("cortado", first.client().runtime().version(VersionRequest.getDefaultInstance())
                    .getRuntimeName(), "the first daemon keeps serving");
        }
    }

    @Test
    void refusesARootAnotherDaemonUses() throws Exception {
        try (DaemonProcess first = DaemonProcess.start(dir.resolve("a"))) {
            try (DaemonProcess second = DaemonProcess.launch(dir.resolve("b"), "--root", first.root().toString())) {
                assertEquals(1, second.waitFor(Duration.ofSeconds(30)));
                assertTrue(second.log().contains("is in use by another cortado daemon"), second.log());
            }
        }
    }

    @Test
    void replacesAStaleSocket() throws Exception {
        Path socket = DaemonProcess.socket(dir);
        Files.createDirectories(socket.getParent());
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket), "the closed listener leaves its socket file behind");
        try (DaemonProcess daemon = DaemonProcess.start(dir)) {
            assertTrue(daemon.log().contains("replaced stale socket"), daemon.log());
        }
    }

    @Test
    void refusesARootItCannotWrite() throws Exception {
        Path readOnly = Files.createDirectories(dir.resolve("ro"));
        Syscalls syscalls = new Syscalls();
        syscalls.mount("tmpfs", readOnly, "tmpfs", MountFlags.MS_RDONLY, "size=1m");
        try (DaemonProcess daemon = DaemonProcess.launch(dir, "--root", readOnly.resolve("root").toString())) {
            assertEquals(1, daemon.waitFor(Duration.ofSeconds(30)));
            assertTrue(daemon.log().contains("root directory " + readOnly.resolve("root") + " is not writable"),
                    daemon.log());
        } finally {
            syscalls.umount2(readOnly, 0);
        }
    }

    @Test
    void sigtermLetsAnInFlightPullFinishThenExitsZero() throws Exception {
        try (LocalRegistry registry = LocalRegistry.start();
             DaemonProcess daemon = DaemonProcess.start(dir)) {
            TestImage large = TestImages.large(registry, 3, 30L << 20);
            CriClient client = CriClient.connect("unix://" + DaemonProcess.socket(dir));
            try {
                CompletableFuture<PullImageResponse> pull = CompletableFuture.supplyAsync(() ->
                        client.images().pullImage(PullImageRequest.newBuilder()
                                .setImage(ImageSpec.newBuilder().setImage(large.reference())).build()));
                awaitLog(daemon, "pull started");
                assertEquals(0, daemon.terminate());
                assertEquals(large.imageId(), pull.join().getImageRef(), "the in-flight pull completed");
                assertTrue(daemon.log().contains("stopped"), daemon.log());
                assertFalse(Files.exists(DaemonProcess.socket(dir)), "socket removed on stop");
            } finally {
                client.close();
            }
            try (DaemonProcess again = DaemonProcess.start(dir)) {
                assertEquals(1, again.client().images().listImages(ListImagesRequest.getDefaultInstance())
                        .getImagesCount());
            }
        }
    }

    private static void awaitLog(DaemonProcess daemon, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!daemon.log().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("log never said \"" + text + "\":\n" + daemon.log());
            }
            Thread.sleep(10);
        }
    }
}
