package dev.cortado.shim;

import static dev.cortado.shim.ScriptedShim.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's side of proto-v1: requests as written, replies parsed strictly, a gone shim told apart. */
class ShimClientProtocolTest {
    @TempDir
    Path dir;

    private ShimClient client() {
        return new ShimClient(dir.resolve("s.sock"), Duration.ofSeconds(2));
    }

    private ScriptedShim shim(String reply) throws IOException {
        return new ScriptedShim(dir.resolve("s.sock"), request -> text(reply));
    }

    @Test
    void stateParsesEveryFieldAndDashes() throws Exception {
        try (ScriptedShim shim = shim("OK stopped 4242 137 9 1700000000123456789 1700000001000000001 0\n")) {
            ShimState state = client().state();
            assertEquals(new ShimState(ShimState.Status.STOPPED, 4242, OptionalInt.of(137), OptionalInt.of(9),
                    Optional.of(Instant.ofEpochSecond(1700000000, 123456789)),
                    Optional.of(Instant.ofEpochSecond(1700000001, 1)), false), state);
            assertEquals(List.of("STATE"), shim.requests());
        }
        try (ScriptedShim shim = shim("OK created 17 - - - - 0\n")) {
            assertEquals(new ShimState(ShimState.Status.CREATED, 17, OptionalInt.empty(), OptionalInt.empty(),
                    Optional.empty(), Optional.empty(), false), client().state());
        }
    }

    @Test
    void malformedRepliesAreProtocolErrors() throws Exception {
        for (String bad : List.of("OK paused 1 - - - - 0\n", "OK created 1 - - - -\n", "OK created  1 - - - - 0\n",
                "OK created 1 - - - - 2\n", "OK created x - - - - 0\n", "ok created 1 - - - - 0\n", "ERR\n",
                "OK created 1 - - - - 0 extra\n")) {
            try (ScriptedShim ignored = shim(bad)) {
                ShimException e = assertThrows(ShimException.class, () -> client().state(), bad);
                assertFalse(e instanceof ShimGoneException, bad);
                assertEquals("protocol", e.step(), bad);
                assertTrue(e.getMessage().contains("to \"STATE\""), e.getMessage());
            }
        }
    }

    @Test
    void errRepliesCarryTheShimsStepAndReason() throws Exception {
        try (ScriptedShim ignored = shim("ERR exec /app: No such file or directory\n")) {
            ShimException e = assertThrows(ShimException.class, () -> client().start());
            assertEquals("exec /app", e.step());
            assertEquals("No such file or directory", e.detail());
            assertEquals("exec /app: No such file or directory", e.getMessage());
        }
    }

    @Test
    void requestsAreWrittenAsTheProtocolSpells() throws Exception {
        try (ScriptedShim shim = shim("OK\n")) {
            ShimClient client = client();
            client.start();
            client.kill(15, false);
            client.kill(9, true);
            client.ack();
            client.reopenLog();
            client.resize(40, 120);
            client.closeStdin();
            assertEquals(List.of("START", "KILL 15", "KILL 9 all", "ACK", "REOPEN", "RESIZE 40 120", "CLOSE_STDIN"),
                    shim.requests());
        }
    }

    @Test
    void execReadsBothStreamsAfterTheReplyLine() throws Exception {
        ByteArrayOutputStream reply = new ByteArrayOutputStream();
        reply.writeBytes(text("OK 3 0 5 2\n"));
        reply.writeBytes(new byte[] {'h', 'e', 'l', 'l', 0});
        reply.writeBytes(new byte[] {'\n', (byte) 0xff});
        Path plan = dir.resolve("exec.plan");
        try (ScriptedShim shim = new ScriptedShim(dir.resolve("s.sock"), request -> reply.toByteArray())) {
            ExecResult result = client().exec(plan, Duration.ofMillis(1500), 100);
            assertEquals(3, result.exitCode());
            assertFalse(result.timedOut());
            assertArrayEquals(new byte[] {'h', 'e', 'l', 'l', 0}, result.stdout());
            assertArrayEquals(new byte[] {'\n', (byte) 0xff}, result.stderr());
            assertEquals(List.of("EXEC " + plan + " 1500 100"), shim.requests());
        }
    }

    @Test
    void execOutputBeyondTheCapOrCutShortIsRefused() throws Exception {
        Path plan = dir.resolve("exec.plan");
        try (ScriptedShim ignored = shim("OK 0 0 10 0\n0123456789")) {
            ShimException e = assertThrows(ShimException.class, () -> client().exec(plan, Duration.ZERO, 4));
            assertTrue(e.getMessage().contains("more output than the cap of 4 bytes"), e.getMessage());
        }
        try (ScriptedShim ignored = shim("OK 0 0 10 0\n01234")) {
            ShimException e = assertThrows(ShimGoneException.class, () -> client().exec(plan, Duration.ZERO, 64));
            assertTrue(e.getMessage().contains("after 5 of 10 bytes"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> client().exec(dir.resolve("a b"), Duration.ZERO, 1));
    }

    @Test
    void aMissingSocketOrARefusedConnectionMeansGone() throws Exception {
        ShimGoneException missing = assertThrows(ShimGoneException.class, () -> client().state());
        assertTrue(missing.getMessage().contains(dir.resolve("s.sock").toString()), missing.getMessage());
        // a socket file nobody listens on any more: what a crashed shim leaves
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(dir.resolve("s.sock")));
        server.close();
        assertTrue(Files.exists(dir.resolve("s.sock")));
        ShimGoneException refused = assertThrows(ShimGoneException.class, () -> client().state());
        assertTrue(refused.getMessage().contains("Connection refused"), refused.getMessage());
    }

    @Test
    void aShimClosingWithoutReplyIsGone() throws Exception {
        try (ScriptedShim ignored = new ScriptedShim(dir.resolve("s.sock"), request -> null)) {
            ShimGoneException e = assertThrows(ShimGoneException.class, () -> client().waitExit());
            assertTrue(e.getMessage().contains("closed the connection before replying to WAIT"), e.getMessage());
        }
        try (ScriptedShim ignored = shim("OK 0 0")) {
            ShimGoneException e = assertThrows(ShimGoneException.class, () -> client().waitExit());
            assertTrue(e.getMessage().contains("partial reply \"OK 0 0\""), e.getMessage());
        }
    }

    @Test
    void aSilentShimTimesOut() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (ScriptedShim ignored = new ScriptedShim(dir.resolve("s.sock"), request -> {
            await(release);
            return null;
        })) {
            long began = System.nanoTime();
            ShimException e = assertThrows(ShimException.class,
                    () -> new ShimClient(dir.resolve("s.sock"), Duration.ofMillis(300)).state());
            long elapsedMs = (System.nanoTime() - began) / 1_000_000;
            assertEquals("timeout", e.step());
            assertTrue(elapsedMs >= 290 && elapsedMs < 3000, "timed out after " + elapsedMs + " ms");
            release.countDown();
        }
    }

    @Test
    void waitExitAsyncRunsOnANamedThreadAndCanBeCancelled() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        String[] thread = new String[1];
        try (ScriptedShim ignored = new ScriptedShim(dir.resolve("s.sock"), request -> {
            await(release);
            return text("OK 137 9 1700000000000000005\n");
        })) {
            CompletableFuture<ExitStatus> exit = client().waitExitAsync()
                    .whenComplete((s, e) -> thread[0] = Thread.currentThread().getName());
            assertFalse(exit.isDone());
            release.countDown();
            ExitStatus status = exit.get(5, TimeUnit.SECONDS);
            assertEquals(new ExitStatus(137, 9, Instant.ofEpochSecond(1700000000, 5), Optional.empty()), status);
            assertTrue(status.signaled());
            assertEquals("shim-wait-s.sock", thread[0]);
        }
        CountDownLatch never = new CountDownLatch(1);
        try (ScriptedShim ignored = new ScriptedShim(dir.resolve("s.sock"), request -> {
            await(never);
            return null;
        })) {
            CompletableFuture<ExitStatus> exit = client().waitExitAsync();
            Thread.sleep(100);
            exit.cancel(true);
            assertThrows(CancellationException.class, () -> exit.get(1, TimeUnit.SECONDS));
            never.countDown();
        }
        try (ScriptedShim ignored = shim("OK nonsense\n")) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> client().waitExitAsync().get(5, TimeUnit.SECONDS));
            assertInstanceOf(ShimException.class, e.getCause());
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
