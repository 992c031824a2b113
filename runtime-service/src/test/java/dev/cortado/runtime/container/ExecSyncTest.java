package dev.cortado.runtime.container;

import dev.cortado.runtime.daemon.RpcFailures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ExecSyncResponse;
import dev.cortado.cri.v1.ListContainersRequest;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ExecSync: exit codes, separate output streams, timeouts, large output, and when it is refused. */
class ExecSyncTest extends BusyboxDaemonTest {

    /** The daemon's documented per-stream cap (ContainerExec.EXEC_OUTPUT_CAP). */
    private static final int OUTPUT_CAP = 7 << 20;

    private PodFixture.Pod pod;
    private String running;

    ExecSyncTest() {
        super("ctr-exec");
    }

    @Override
    protected void prepare() throws Exception {
        pod = pods.startPod("exec");
        running = pods.run(pod, "main", busybox.reference(), "sleep", "1000");
    }

    /** The container made in prepare() serves every test; only what a test added goes. */
    @Override
    @AfterEach
    void removePods() {
        harness.runtime().listContainers(ListContainersRequest.getDefaultInstance())
                .getContainersList().stream().filter(c -> !c.getId().equals(running))
                .forEach(c -> pods.remove(c.getId()));
    }

    @Test
    void exitCodesAndSeparateStreams() {
        ExecSyncResponse ok = pods.exec(running, 10, "true");
        assertEquals(0, ok.getExitCode());
        assertEquals(0, ok.getStdout().size() + ok.getStderr().size());

        ExecSyncResponse three = pods.exec(running, 10, "sh", "-c", "echo out; echo err >&2; echo more out; exit 3");
        assertEquals(3, three.getExitCode());
        assertEquals("out\nmore out\n", three.getStdout().toStringUtf8());
        assertEquals("err\n", three.getStderr().toStringUtf8());

        ExecSyncResponse killed = pods.exec(running, 10, "sh", "-c", "kill -9 $$");
        assertEquals(137, killed.getExitCode(), "a command killed by a signal reports 128 + the signal");
    }

    @Test
    void theCommandRunsLikeTheContainersProcess() {
        assertEquals("/\n", pods.sh(running, "pwd"));
        ExecSyncResponse env = pods.exec(running, 10, "env");
        assertEquals(0, env.getExitCode());
        assertEquals(pods.sh(running, "cat /proc/1/environ | tr '\\0' '\\n'"), env.getStdout().toStringUtf8(),
                "the container's environment, in its order");
        assertEquals("exec\n", pods.sh(running, "hostname"));
    }

    @Test
    void aTimeoutEndsTheCommandAndSaysSo() throws IOException {
        long begin = System.nanoTime();
        String message = RpcFailures.assertFails(Status.Code.DEADLINE_EXCEEDED,
                () -> pods.exec(running, 1, "sh", "-c", "sleep 10 & sleep 11; wait"), "timed out");
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        assertTrue(took.compareTo(Duration.ofSeconds(1)) >= 0 && took.compareTo(Duration.ofSeconds(4)) < 0,
                "a 1 s timeout took " + took + " (" + message + ")");
        Path procs = cgroupProcs(running);
        long init = pods.info(running).get("pid").asLong();
        PodFixture.await(() -> readProcs(procs).equals(List.of(init)), Duration.ofSeconds(3),
                () -> "the timed-out command and its children still run: " + readProcs(procs) + " besides " + init);
        // killed orphans are zombies of the container's pid 1 (which reaps nothing here), shown as [sleep]
        String ps = pods.sh(running, "ps -o args");
        List<String> commands = ps.lines().toList();
        assertTrue(!commands.contains("sleep 10") && !commands.contains("sleep 11")
                && commands.stream().noneMatch(c -> c.contains("wait")), "the timed-out command still runs:\n" + ps);
    }

    @Test
    void outputOfSeveralMegabytesArrivesWhole() {
        int stdoutBytes = 5_000_000;
        int stderrBytes = 3_000_000;
        ExecSyncResponse response = pods.exec(running, 30, "sh", "-c", "yes 0123456789abcdef | head -c " + stdoutBytes
                + " & yes ERR | head -c " + stderrBytes + " >&2; wait");
        assertEquals(0, response.getExitCode());
        assertEquals(stdoutBytes, response.getStdout().size());
        assertEquals(stderrBytes, response.getStderr().size());
        assertEquals(repeated("0123456789abcdef\n", stdoutBytes), response.getStdout().toString(StandardCharsets.UTF_8));
        assertEquals(repeated("ERR\n", stderrBytes), response.getStderr().toString(StandardCharsets.UTF_8));

        ExecSyncResponse capped = pods.exec(running, 30, "sh", "-c", "head -c 9000000 /dev/zero");
        assertEquals(0, capped.getExitCode(), "the command runs to its end, however much it writes");
        assertEquals(OUTPUT_CAP, capped.getStdout().size(), "stdout is cut at the cap");
    }

    @Test
    void aContainerThatIsNotRunningRefusesExec() {
        String created = pods.create(pod, PodFixture.container("created", busybox.reference(), "sleep", "1000").build());
        RpcFailures.assertFails(Status.Code.FAILED_PRECONDITION, () -> pods.exec(created, 10, "true"),
                "not running");
        String exited = pods.run(pod, "exited", busybox.reference(), "true");
        pods.awaitState(exited, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(10));
        RpcFailures.assertFails(Status.Code.FAILED_PRECONDITION, () -> pods.exec(exited, 10, "true"), "not running");
    }

    @Test
    void aCommandThatDoesNotExistIsAnErrorNamingIt() {
        RpcFailures.assertFails(Status.Code.UNKNOWN, () -> pods.exec(running, 10, "no-such-command"),
                "no-such-command", "No such file or directory");
        RpcFailures.assertFails(Status.Code.INVALID_ARGUMENT, () -> pods.exec(running, 10));
    }

    private Path cgroupProcs(String id) {
        String cgroup = pods.info(id).get("cgroup").asText();
        return Path.of("/sys/fs/cgroup/pids").resolve(cgroup.substring(1)).resolve("cgroup.procs");
    }

    private static List<Long> readProcs(Path procs) {
        try {
            return Files.readAllLines(procs).stream().map(Long::parseLong).toList();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + procs, e);
        }
    }

    private static String repeated(String line, int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            out[i] = line.charAt(i % line.length());
        }
        return new String(out);
    }
}
