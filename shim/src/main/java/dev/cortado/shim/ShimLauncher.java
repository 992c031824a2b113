package dev.cortado.shim;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Starts shims: runs {@code cortado-shim create ...} (shim/PROTOCOL.md section 1), reads its one
 * {@code READY}/{@code ERROR} line with a timeout, and reaps the short-lived first process (the
 * shim itself detaches and is no child of the daemon).
 */
public final class ShimLauncher {
    private static final Logger LOG = Logger.getLogger(ShimLauncher.class.getName());
    /** Time to the READY line: clone, cgroups, mounts and the init's whole setup. */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_LINE = 8192;

    private final Path binary;
    private final Duration readyTimeout;

    public ShimLauncher(Path binary, Duration readyTimeout) {
        if (readyTimeout.isNegative() || readyTimeout.isZero()) {
            throw new IllegalArgumentException("ready timeout must be positive: " + readyTimeout);
        }
        this.binary = binary;
        this.readyTimeout = readyTimeout;
    }

    public ShimLauncher(Path binary) {
        this(binary, DEFAULT_READY_TIMEOUT);
    }

    /**
     * Creates the container's shim and init; returns once the init waits at the start barrier.
     * A failure carries the shim's step and reason ({@code mount /proc: Operation not
     * permitted}); by then nothing of the container runs.
     */
    public ShimHandle create(ShimCreateRequest request) throws ShimException {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "create", "--id", request.id(),
                "--bundle", request.bundle().toString(), "--plan", request.plan().toString(),
                "--socket", request.socket().toString(),
                "--log", request.log() == null ? "-" : request.log().toString(),
                "--exit-file", request.exitFile().toString()));
        long began = System.nanoTime();
        long deadline = began + readyTimeout.toNanos();
        Process first = start(command);
        try {
            String line = readLine(first, "shim-ready-" + request.id(), deadline, request);
            int status = reap(first, deadline);
            if (line == null) {
                throw new ShimException("create", binary.getFileName() + " exited with status " + status
                        + " without answering" + stderrOf(first));
            }
            ShimHandle handle = parse(line, request);
            LOG.log(Level.FINE, () -> String.format("shim %s ready in %.1f ms (shim pid %d, init pid %d)",
                    request.id(), (System.nanoTime() - began) / 1e6, handle.shimPid(), handle.initPid()));
            return handle;
        } finally {
            closeStreams(first);
        }
    }

    /** The binary's {@code --version} line, checked to speak plan-v1 and proto-v1. */
    public String version() throws ShimException {
        Process process = start(List.of(binary.toString(), "--version"));
        try {
            String line = readLine(process, "shim-version", System.nanoTime() + readyTimeout.toNanos(), null);
            reap(process, System.nanoTime() + readyTimeout.toNanos());
            if (line == null || !line.startsWith("cortado-shim ") || !List.of(line.split(" ")).contains("plan-v1")
                    || !List.of(line.split(" ")).contains("proto-v1")) {
                throw new ShimException("version", binary + " --version answered \"" + line
                        + "\", not a cortado-shim speaking plan-v1 and proto-v1");
            }
            return line;
        } finally {
            closeStreams(process);
        }
    }

    private Process start(List<String> command) throws ShimException {
        try {
            return new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new ShimException("start " + binary, ShimConnection.reason(e), e);
        }
    }

    /**
     * The first line of the process's stdout, or null at end of stream. A plain stream read
     * cannot time out, so a thread of its own reads it; on timeout the shim is killed, which
     * ends the stream and the thread.
     */
    private String readLine(Process process, String threadName, long deadline, ShimCreateRequest request)
            throws ShimException {
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                line.complete(firstLine(process.getInputStream()));
            } catch (IOException | RuntimeException e) {
                line.completeExceptionally(e);
            }
        }, threadName);
        reader.setDaemon(true);
        reader.start();
        try {
            return line.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            if (request != null) {
                killDetachedShim(request);
            }
            throw new ShimException("timeout", binary.getFileName() + " gave no READY line within "
                    + readyTimeout.toMillis() + " ms; the shim was killed");
        } catch (ExecutionException e) {
            throw new ShimException("create", "reading the shim's answer: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            if (request != null) {
                killDetachedShim(request);
            }
            throw new ShimException("interrupted", "stopped waiting for the shim of " + threadName);
        }
    }

    private static String firstLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                return line.toString(StandardCharsets.UTF_8);
            }
            if (line.size() == MAX_LINE) {
                throw new IOException("the shim's answer is longer than " + MAX_LINE + " bytes");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
    }

    private ShimHandle parse(String line, ShimCreateRequest request) throws ShimException {
        if (line.startsWith("ERROR ") && line.length() > 6) {
            throw ShimException.fromShimMessage(line.substring(6));
        }
        String[] words = line.split(" ", -1);
        if (words.length == 3 && words[0].equals("READY")) {
            try {
                long shimPid = Long.parseLong(words[1]);
                long initPid = Long.parseLong(words[2]);
                if (shimPid > 0 && initPid > 0) {
                    return new ShimHandle(request.id(), shimPid, initPid, request.socket(), request.exitFile());
                }
            } catch (NumberFormatException e) {
                // reported below with the line itself
            }
        }
        killDetachedShim(request);
        throw new ShimException("protocol", binary.getFileName() + " answered \"" + line
                + "\" instead of READY <shim-pid> <init-pid> or ERROR <step>: <message>");
    }

    /** Waits for the first process (it exits once the shim is detached); its exit status. */
    private int reap(Process first, long deadline) throws ShimException {
        try {
            if (first.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                return first.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        first.destroyForcibly();
        throw new ShimException("create", "the first " + binary.getFileName() + " process (pid " + first.pid()
                + ") did not exit after answering; killed it");
    }

    /**
     * Kills the shim a failed or hung create left, found by the pid file it writes; only when
     * that pid still runs our binary (pids are reused).
     */
    private void killDetachedShim(ShimCreateRequest request) {
        Path pidFile = request.bundle().resolve("shim.pid");
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid)
                    .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().equals(binary.getFileName()))
                            .orElse(false))
                    .ifPresent(p -> {
                        LOG.warning(() -> "killing shim " + pid + " of " + request.id() + " after a failed create");
                        p.destroyForcibly();
                    });
        } catch (IOException | NumberFormatException e) {
            LOG.fine(() -> "no shim pid to kill for " + request.id() + ": " + e.getMessage());
        }
    }

    /** What the first process said on stderr, without blocking on a pipe a detached child may hold. */
    private static String stderrOf(Process first) {
        try {
            InputStream err = first.getErrorStream();
            int available = Math.min(err.available(), MAX_LINE);
            if (available <= 0) {
                return "";
            }
            byte[] bytes = err.readNBytes(available);
            return ": " + new String(bytes, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeStreams(Process process) {
        for (AutoCloseable stream : List.<AutoCloseable>of(process.getInputStream(), process.getErrorStream(),
                process.getOutputStream())) {
            try {
                stream.close();
            } catch (Exception ignored) {
                // the process is gone or detached; nothing left to tell it
            }
        }
    }
}
