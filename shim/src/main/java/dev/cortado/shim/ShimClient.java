package dev.cortado.shim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/**
 * Speaks proto-v1 (shim/PROTOCOL.md section 3) to one shim over its control socket, one
 * connection per request. Every call but {@link #waitExit()} gives up after the request timeout
 * with a {@link ShimException}; a shim that is not there (socket missing, connection refused, or
 * closed without a reply) raises {@link ShimGoneException}, on which the daemon reads the exit
 * file instead.
 */
public final class ShimClient {
    /** Time a shim gets to answer a request that does not wait for the container. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private final Path socket;
    private final Duration requestTimeout;

    public ShimClient(Path socket, Duration requestTimeout) {
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("request timeout must be positive: " + requestTimeout);
        }
        this.socket = socket;
        this.requestTimeout = requestTimeout;
    }

    public ShimClient(Path socket) {
        this(socket, DEFAULT_REQUEST_TIMEOUT);
    }

    /** A client for the shim {@code handle} describes. */
    public static ShimClient of(ShimHandle handle) {
        return new ShimClient(handle.socket());
    }

    public Path socket() {
        return socket;
    }

    /** STATE: created, running or stopped, with the init's pid and (once known) its end. */
    public ShimState state() throws ShimException {
        String request = "STATE";
        Reply reply = exchange(request, deadline()).expect(7);
        ShimState.Status status = ShimState.Status.parse(reply.word(0));
        if (status == null) {
            throw Reply.malformed(request, "OK " + String.join(" ", reply.fields()),
                    "state \"" + reply.word(0) + "\" is not created, running or stopped");
        }
        return new ShimState(status,
                reply.absent(1) ? 0 : reply.count(1, "init pid"),
                reply.absent(2) ? OptionalInt.empty() : OptionalInt.of(reply.intField(2, "exit code")),
                reply.absent(3) ? OptionalInt.empty() : OptionalInt.of(reply.intField(3, "exit signal")),
                reply.absent(4) ? Optional.empty() : Optional.of(reply.instant(4, "started-ns")),
                reply.absent(5) ? Optional.empty() : Optional.of(reply.instant(5, "finished-ns")),
                reply.flag(6, "oom"));
    }

    /**
     * START: releases the init; returns once {@code execve} succeeded. A failed exec raises a
     * ShimException whose message is the shim's ({@code exec /app: No such file or directory}).
     */
    public void start() throws ShimException {
        exchange("START", deadline()).expect(0);
    }

    /** KILL: {@code signal} to the init, or with {@code all} to every process of the container. */
    public void kill(int signal, boolean all) throws ShimException {
        if (signal < 1 || signal > 64) {
            throw new IllegalArgumentException("signal " + signal + " is not 1..64");
        }
        exchange("KILL " + signal + (all ? " all" : ""), deadline()).expect(0);
    }

    /** WAIT: blocks (without a timeout) until the init has exited. */
    public ExitStatus waitExit() throws ShimException {
        Reply reply = exchange("WAIT", ShimConnection.NO_DEADLINE).expect(3);
        return new ExitStatus(reply.intField(0, "exit code"), reply.intField(1, "exit signal"),
                reply.instant(2, "finished-ns"), Optional.empty());
    }

    /**
     * WAIT on a thread of its own, named {@code shim-wait-<socket name>}. Cancelling the future
     * interrupts the thread, which closes the connection.
     */
    public CompletableFuture<ExitStatus> waitExitAsync() {
        CompletableFuture<ExitStatus> result = new CompletableFuture<>();
        Thread waiter = new Thread(() -> {
            try {
                result.complete(waitExit());
            } catch (ShimException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "shim-wait-" + socket.getFileName());
        waiter.setDaemon(true);
        result.whenComplete((status, error) -> {
            if (result.isCancelled()) {
                waiter.interrupt();
            }
        });
        waiter.start();
        return result;
    }

    /** ACK: the daemon recorded the exit; the shim removes its socket and exits. */
    public void ack() throws ShimException {
        exchange("ACK", deadline()).expect(0);
    }

    /** REOPEN: the shim reopens the CRI log at its path (after the kubelet rotated it). */
    public void reopenLog() throws ShimException {
        exchange("REOPEN", deadline()).expect(0);
    }

    /** RESIZE: sets the pty's window size. */
    public void resize(int rows, int cols) throws ShimException {
        if (rows < 0 || rows > 0xffff || cols < 0 || cols > 0xffff) {
            throw new IllegalArgumentException("terminal size " + rows + "x" + cols + " is outside 0..65535");
        }
        exchange("RESIZE " + rows + " " + cols, deadline()).expect(0);
    }

    /** CLOSE_STDIN: the container reads end of file on stdin. */
    public void closeStdin() throws ShimException {
        exchange("CLOSE_STDIN", deadline()).expect(0);
    }

    /**
     * EXEC: runs the command {@code plan} describes inside the container and collects at most
     * {@code outputCap} bytes of each output stream. {@code timeout} zero means none; the shim
     * kills the command at the timeout and reports {@code timedOut}. The call itself waits the
     * timeout plus the request timeout.
     */
    public ExecResult exec(Path plan, Duration timeout, int outputCap) throws ShimException {
        String path = planPath(plan);
        if (timeout.isNegative() || outputCap < 0) {
            throw new IllegalArgumentException("exec timeout " + timeout + " and output cap " + outputCap
                    + " must not be negative");
        }
        long timeoutMillis = timeout.toMillis();
        String request = "EXEC " + path + " " + timeoutMillis + " " + outputCap;
        long deadline = timeoutMillis == 0 ? ShimConnection.NO_DEADLINE
                : System.nanoTime() + timeout.plus(requestTimeout).toNanos();
        try (ShimConnection connection = ShimConnection.open(socket)) {
            connection.send(request, deadline);
            Reply reply = Reply.parse(request, connection.readLine(request, deadline)).expect(4);
            int exitCode = reply.intField(0, "exit code");
            boolean timedOut = reply.flag(1, "timed-out");
            long stdoutBytes = reply.count(2, "stdout bytes");
            long stderrBytes = reply.count(3, "stderr bytes");
            if (stdoutBytes > outputCap || stderrBytes > outputCap) {
                throw Reply.malformed(request, "OK " + String.join(" ", reply.fields()),
                        "more output than the cap of " + outputCap + " bytes");
            }
            byte[] stdout = connection.readExactly((int) stdoutBytes, request, deadline);
            byte[] stderr = connection.readExactly((int) stderrBytes, request, deadline);
            return new ExecResult(exitCode, timedOut, stdout, stderr);
        }
    }

    /**
     * ATTACH: the container's output from now on (the streams asked for) and, with {@code stdin},
     * its stdin. The stream ends with the container's exit code, or without one when the shim
     * dropped a client that did not keep up with the output.
     */
    public ShimStream attach(boolean stdin, boolean stdout, boolean stderr) throws IOException {
        return openStream("ATTACH " + bit(stdin) + " " + bit(stdout) + " " + bit(stderr), "attach to shim " + socket);
    }

    /**
     * EXEC_STREAM: runs the command {@code execPlan} describes (its TTY must agree with
     * {@code tty}) with live output, stdin when asked, and terminal resizes. Returns once the
     * command runs; a command that could not start raises a ShimException with the shim's
     * message ({@code exec nosuch: No such file or directory}). The plan file may be deleted as
     * soon as this returns. Closing the stream before the command ended kills its process group.
     */
    public ShimStream execStream(Path execPlan, boolean tty, boolean stdin) throws IOException {
        String path = planPath(execPlan);
        return openStream("EXEC_STREAM " + path + " " + bit(tty) + " " + bit(stdin), "exec in shim " + socket);
    }

    private ShimStream openStream(String request, String what) throws ShimException {
        long deadline = deadline();
        ShimConnection connection = ShimConnection.open(socket);
        try {
            connection.send(request, deadline);
            Reply.parse(request, connection.readLine(request, deadline)).expect(0);
            ByteBuffer leftover = connection.leftover();
            return new FramedShimStream(what, connection.handOver(request), leftover);
        } catch (ShimException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private static String bit(boolean flag) {
        return flag ? "1" : "0";
    }

    private static String planPath(Path plan) {
        String path = plan.toAbsolutePath().toString();
        if (path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            throw new IllegalArgumentException("exec plan path " + plan
                    + " holds a space or control character, which proto-v1 cannot carry");
        }
        return path;
    }

    private Reply exchange(String request, long deadline) throws ShimException {
        try (ShimConnection connection = ShimConnection.open(socket)) {
            connection.send(request, deadline);
            return Reply.parse(request, connection.readLine(request, deadline));
        }
    }

    private long deadline() {
        return System.nanoTime() + requestTimeout.toNanos();
    }
}
