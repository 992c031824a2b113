package dev.cortado.shim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real cortado-shim on the real kernel: create, start, log, wait, exit file, ack, kill. */
class ShimLifecycleTest {
    private ShimSandbox sandbox;

    @BeforeEach
    void open() throws Exception {
        sandbox = ShimSandbox.open();
    }

    @AfterEach
    void close() throws Exception {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void createStartWaitAckWithTheCriLog() throws Exception {
        ShimHandle handle = sandbox.create("life", sandbox.container("/bin/sh", "-c",
                "echo out-line; echo err-line >&2; echo pid=$$ host=$(hostname); printf partial; exit 3").build());
        assertEquals(String.valueOf(handle.shimPid()),
                Files.readString(sandbox.bundle("life").resolve("shim.pid")).strip());
        ShimClient client = ShimClient.of(handle);

        ShimState created = client.state();
        assertEquals(ShimState.Status.CREATED, created.state());
        assertEquals(handle.initPid(), created.initPid());
        assertEquals(OptionalInt.empty(), created.exitCode());
        assertEquals(Optional.empty(), created.finishedAt());
        assertEquals(List.of(), CriLog.read(sandbox.log("life")).entries(), "nothing runs before START");

        client.start();
        ExitStatus exit = client.waitExit();
        assertEquals(3, exit.exitCode());
        assertEquals(0, exit.exitSignal());

        ShimState stopped = client.state();
        assertEquals(ShimState.Status.STOPPED, stopped.state());
        assertEquals(OptionalInt.of(3), stopped.exitCode());
        assertEquals(Optional.of(exit.finishedAt()), stopped.finishedAt());
        assertTrue(!stopped.startedAt().orElseThrow().isAfter(exit.finishedAt()), "started before it finished");

        CriLog log = CriLog.read(sandbox.log("life"));
        assertEquals(List.of("stdout F out-line", "stdout F pid=1 host=" + ShimSandbox.HOSTNAME, "stdout F partial"),
                log.briefs("stdout"));
        assertEquals(List.of("stderr F err-line"), log.briefs("stderr"));

        assertEquals(Optional.of(exit), ExitFile.read(handle.exitFile()));

        client.ack();
        assertTrue(ProcStat.eventually(Duration.ofSeconds(5), () -> ProcStat.exited(handle.shimPid())),
                "the shim exits after ACK");
        assertFalse(Files.exists(handle.socket()), "the shim removed its socket");
        assertThrows(ShimGoneException.class, client::state);
        assertEquals(Optional.of(exit), ExitFile.read(handle.exitFile()), "the exit file outlives the shim");
    }

    @Test
    void aFailingExecIsTheReplyToStart() throws Exception {
        ShimHandle handle = sandbox.create("nope", sandbox.container("/nope").build());
        ShimClient client = ShimClient.of(handle);
        ShimException e = assertThrows(ShimException.class, client::start);
        assertFalse(e instanceof ShimGoneException);
        assertTrue(e.getMessage().contains("No such file or directory"), e.getMessage());
        assertTrue(e.getMessage().contains("/nope"), e.getMessage());

        assertEquals(-1, client.waitExit().exitCode());
        ExitStatus status = ExitFile.read(handle.exitFile()).orElseThrow();
        assertEquals(-1, status.exitCode());
        assertTrue(status.startError().orElseThrow().contains("No such file or directory"), status.toString());
        client.ack();
        assertTrue(ProcStat.eventually(Duration.ofSeconds(5), () -> ProcStat.exited(handle.shimPid())));
    }

    @Test
    void aCreateFailureNamesTheStepAndLeavesNothingRunning() throws Exception {
        ShimException e = assertThrows(ShimException.class, () -> sandbox.create("bad",
                sandbox.container("/bin/true").mount("none", "/mnt", "nosuchfs", 0, "").build()));
        assertTrue(e.step() != null && e.step().startsWith("mount"), "step: " + e.step() + " in " + e.getMessage());
        assertEquals("No such device", e.detail(), e.getMessage());
        assertFalse(Files.exists(sandbox.dir().resolve("bad.sock")), "no socket after a failed create");
        Optional<Long> shimPid = Optional.of(sandbox.bundle("bad").resolve("shim.pid")).filter(Files::exists)
                .map(p -> {
                    try {
                        return Long.parseLong(Files.readString(p).strip());
                    } catch (Exception ex) {
                        return -1L;
                    }
                });
        if (shimPid.isPresent()) {
            assertTrue(ProcStat.eventually(Duration.ofSeconds(5), () -> ProcStat.exited(shimPid.get())),
                    "the shim exits after ERROR");
        }
    }

    @Test
    void killSignalsTheInit() throws Exception {
        ShimHandle handle = sandbox.create("kill", sandbox.container("/bin/sleep", "1000").build());
        ShimClient client = ShimClient.of(handle);
        client.start();
        assertEquals(ShimState.Status.RUNNING, client.state().state());
        client.kill(9, false);
        ExitStatus exit = client.waitExit();
        assertEquals(137, exit.exitCode());
        assertEquals(9, exit.exitSignal());
        assertEquals(Optional.of(exit), ExitFile.read(handle.exitFile()));
    }

    @Test
    void killAllReachesEveryProcessOfTheContainer() throws Exception {
        // pid 1 of a PID namespace ignores SIGTERM (sh sets no handler); its children do not, so
        // each wait reports 128+15 and sh goes on to exit by itself
        ShimHandle handle = sandbox.create("killall", sandbox.container("/bin/sh", "-c",
                "sleep 1000 & a=$!; sleep 1000 & b=$!; wait $a; x=$?; wait $b; echo killed $x $?; exit 4").build());
        ShimClient client = ShimClient.of(handle);
        client.start();
        Thread.sleep(200);
        client.kill(15, true);
        ExitStatus exit = client.waitExit();
        assertEquals(0, exit.exitSignal(), "the init was not killed: " + exit);
        assertEquals(4, exit.exitCode());
        assertEquals(List.of("stdout F killed 143 143"), CriLog.read(sandbox.log("killall")).briefs("stdout"));
    }

    @Test
    void theShimIsDetachedFromTheDaemon() throws Exception {
        ShimHandle handle = sandbox.create("detach", sandbox.container("/bin/sleep", "1000").build());
        ProcStat shim = ProcStat.of(handle.shimPid());
        ProcStat jvm = ProcStat.of(ProcessHandle.current().pid());
        assertNotEquals(ProcessHandle.current().pid(), shim.ppid(), "the daemon is not the shim's parent");
        assertNotEquals(jvm.session(), shim.session(), "the shim has a session of its own");
        assertEquals(handle.shimPid(), shim.session(), "the shim leads its session (setsid)");
        assertEquals(handle.shimPid(), ProcStat.of(handle.initPid()).ppid(), "the init is the shim's child");
    }

    @Test
    void aKilledShimIsGoneAndLeavesNoExitFile() throws Exception {
        ShimHandle handle = sandbox.create("gone", sandbox.container("/bin/sleep", "1000").build());
        ShimClient client = ShimClient.of(handle);
        client.start();
        ProcessHandle.of(handle.shimPid()).orElseThrow().destroyForcibly();
        assertTrue(ProcStat.eventually(Duration.ofSeconds(5), () -> ProcStat.exited(handle.shimPid())));
        assertThrows(ShimGoneException.class, client::state);
        assertEquals(Optional.empty(), ExitFile.read(handle.exitFile()));
    }

    @Test
    void waitExitAsyncCompletesWhenTheContainerEnds() throws Exception {
        ShimHandle handle = sandbox.create("async", sandbox.container("/bin/sh", "-c", "sleep 0.3; exit 5").build());
        ShimClient client = ShimClient.of(handle);
        var exit = client.waitExitAsync();
        client.start();
        assertEquals(5, exit.get(10, java.util.concurrent.TimeUnit.SECONDS).exitCode());
    }
}
