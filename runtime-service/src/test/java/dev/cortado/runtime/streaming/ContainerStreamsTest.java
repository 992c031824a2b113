package dev.cortado.runtime.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.ContainerMetadata;
import dev.cortado.cri.v1.CreateContainerRequest;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.LinuxPodSandboxConfig;
import dev.cortado.cri.v1.LinuxSandboxSecurityContext;
import dev.cortado.cri.v1.ListPodSandboxRequest;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.NamespaceOption;
import dev.cortado.cri.v1.PodSandbox;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.cri.v1.PodSandboxMetadata;
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.cri.v1.RemovePodSandboxRequest;
import dev.cortado.cri.v1.RunPodSandboxRequest;
import dev.cortado.cri.v1.StartContainerRequest;
import dev.cortado.cri.v1.StopContainerRequest;
import dev.cortado.cri.v1.StopPodSandboxRequest;
import dev.cortado.hack.bench.CriClient;
import dev.cortado.hack.image.TestImages;
import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.TempDirs;
import dev.cortado.rpc.CriException;
import dev.cortado.runtime.daemon.InProcessDaemon;
import dev.cortado.shim.ShimStream;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/** ContainerStreams against a real daemon (in this JVM), real shims and busybox containers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerStreamsTest {
    private Path dir;
    private LocalRegistry registry;
    private InProcessDaemon daemon;
    private ContainerStreams streams;
    private String image;
    private String podId;
    private PodSandboxConfig pod;
    private String sleeper;

    @BeforeAll
    void startDaemon() throws Exception {
        dir = TempDirs.create("cortado-streams-");
        try {
            registry = LocalRegistry.start();
            daemon = InProcessDaemon.start(dir.resolve("daemon"));
            streams = daemon.containerStreams();
            image = TestImages.busybox(registry).reference();
            client().images().pullImage(PullImageRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image))
                    .build());
            pod = podConfig("streams", NamespaceMode.POD);
            podId = client().runtime().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
                    .getPodSandboxId();
            sleeper = run(container("sleeper", "sleep", "1000"));
        } catch (Exception | Error e) {
            cleanUp();
            throw e;
        }
    }

    @AfterAll
    void cleanUp() throws Exception {
        try {
            if (daemon != null) {
                for (PodSandbox each : client().runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
                        .getItemsList()) {
                    client().runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(each.getId())
                            .build());
                    client().runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder()
                            .setPodSandboxId(each.getId()).build());
                }
            }
        } finally {
            try {
                if (daemon != null) {
                    daemon.close();
                }
            } finally {
                if (registry != null) {
                    registry.close();
                }
                TempDirs.deleteTree(dir);
            }
        }
    }

    @Test
    void execGivesOutputAndExitCodes() throws Exception {
        streams.checkExec(sleeper, List.of("echo", "hi"), false, false, true, true);
        try (ShimStream echo = streams.exec(sleeper, List.of("echo", "hi"), false, false)) {
            assertEquals("hi\n", drain(echo)[0]);
            assertEquals(OptionalInt.of(0), echo.exitCode());
        }
        try (ShimStream three = streams.exec(sleeper, List.of("sh", "-c", "echo no >&2; exit 3"), false, false)) {
            assertEquals("no\n", drain(three)[1]);
            assertEquals(OptionalInt.of(3), three.exitCode());
        }
    }

    @Test
    void execStdinRoundTripsThroughCat() throws Exception {
        try (ShimStream cat = streams.exec(sleeper, List.of("cat"), false, true)) {
            byte[] text = "through cat\n".getBytes(StandardCharsets.UTF_8);
            cat.writeStdin(text, 0, text.length);
            cat.closeStdin();
            assertEquals("through cat\n", drain(cat)[0]);
            assertEquals(OptionalInt.of(0), cat.exitCode());
        }
    }

    @Test
    void execWithATtySeesTheResize() throws Exception {
        List<String> cmd = List.of("sh", "-c", "read go; stty size");
        streams.checkExec(sleeper, cmd, true, true, true, false);
        try (ShimStream tty = streams.exec(sleeper, cmd, true, true)) {
            tty.resize(90, 33);
            byte[] go = "go\n".getBytes(StandardCharsets.UTF_8);
            tty.writeStdin(go, 0, go.length);
            String out = drain(tty)[0].replace("\r", "");
            assertTrue(out.contains("33 90\n"), out);
            assertEquals(OptionalInt.of(0), tty.exitCode());
        }
    }

    @Test
    void attachReadsOutputAndFeedsStdinOnce() throws Exception {
        String id = run(container("echoer", "sh", "-c", "echo ready; cat; echo bye; exit 2").setStdin(true)
                .setStdinOnce(true));
        streams.checkAttach(id, false, true, true, true);
        try (ShimStream attached = streams.attach(id, true, true, true)) {
            byte[] text = "typed\n".getBytes(StandardCharsets.UTF_8);
            attached.writeStdin(text, 0, text.length);
            attached.closeStdin();
            String out = drain(attached)[0];
            // "ready" may come before the attach; what follows it may not be lost
            assertTrue(out.endsWith("typed\nbye\n"), out);
            assertEquals(OptionalInt.of(2), attached.exitCode());
        }
    }

    @Test
    void checksRefuseWhatCannotWork() throws Exception {
        assertCode(Status.Code.NOT_FOUND, () -> streams.checkExec("nosuch", List.of("true"), false, false, true, false));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> streams.checkExec(sleeper, List.of(), false, false, true, false));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> streams.checkExec(sleeper, List.of("true"), true, false, true,
                true));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> streams.checkExec(sleeper, List.of("true"), false, false,
                false, false));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> streams.checkAttach(sleeper, false, true, true, true));
        assertCode(Status.Code.INVALID_ARGUMENT, () -> streams.checkAttach(sleeper, true, false, true, false));
        String stopped = run(container("stopped", "sleep", "1000"));
        client().runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(stopped).setTimeout(0)
                .build());
        assertCode(Status.Code.FAILED_PRECONDITION, () -> streams.checkAttach(stopped, false, false, true, true));
        assertCode(Status.Code.FAILED_PRECONDITION, () -> streams.exec(stopped, List.of("true"), false, false));
    }

    @Test
    void podNetworkNamespaces() throws Exception {
        Path own = streams.podNetworkNamespace(podId);
        Object ownInode = Files.getAttribute(own, "unix:ino");
        Path daemonNamespace = Path.of("/proc/self/ns/net"); // the daemon runs in this JVM
        assertNotEquals(Files.getAttribute(daemonNamespace, "unix:ino"), ownInode);
        try (ShimStream link = streams.exec(sleeper, List.of("readlink", "/proc/self/ns/net"), false, false)) {
            assertEquals("net:[" + ownInode + "]\n", drain(link)[0], "the container is in the pod's network namespace");
        }
        String hostPod = client().runtime().runPodSandbox(RunPodSandboxRequest.newBuilder()
                .setConfig(podConfig("host", NamespaceMode.NODE)).build()).getPodSandboxId();
        Path host = streams.podNetworkNamespace(hostPod);
        assertEquals(Files.getAttribute(daemonNamespace, "unix:ino"), Files.getAttribute(host, "unix:ino"),
                "a host network pod uses the node's (the daemon's) namespace: " + host);
        assertCode(Status.Code.NOT_FOUND, () -> streams.podNetworkNamespace("nosuchpod"));
    }

    private static void assertCode(Status.Code code, Executable call) {
        CriException e = assertThrows(CriException.class, call);
        assertEquals(code, e.code(), e.getMessage());
    }

    private CriClient client() {
        return daemon.client();
    }

    private PodSandboxConfig podConfig(String name, NamespaceMode network) {
        return PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace("default")
                        .setUid(UUID.randomUUID().toString()))
                .setHostname(name)
                .setLogDirectory(dir.resolve("logs").resolve(name).toString())
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext
                        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(network)
                                .setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.POD))))
                .build();
    }

    private ContainerConfig.Builder container(String name, String... command) {
        return ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name))
                .setImage(ImageSpec.newBuilder().setImage(image))
                .addAllCommand(List.of(command))
                .setLogPath(name + "/0.log");
    }

    private String run(ContainerConfig.Builder config) {
        String id = client().runtime().createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
                .setConfig(config).setSandboxConfig(pod).build()).getContainerId();
        client().runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
        return id;
    }

    /** Reads to the end (closing the stream and failing after 10 s): stdout and stderr as text. */
    private static String[] drain(ShimStream stream) throws Exception {
        CompletableFuture<String[]> output = CompletableFuture.supplyAsync(() -> drainUnchecked(stream));
        try {
            return output.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            stream.close();
            throw new AssertionError("the stream did not end within 10 s", e);
        }
    }

    private static String[] readAll(ShimStream stream) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ShimStream.Output chunk;
        while ((chunk = stream.read()) != null) {
            (chunk.stream() == ShimStream.STDOUT ? out : err).write(chunk.data());
        }
        return new String[] {out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    private static String[] drainUnchecked(ShimStream stream) {
        try {
            return readAll(stream);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
