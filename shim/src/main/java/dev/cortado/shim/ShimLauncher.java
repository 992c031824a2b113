package dev.cortado.shim;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import jnr.ffi.LibraryLoader;

/**
 * Starts shims: runs {@code cortado-shim create ...} (shim/PROTOCOL.md section 1), reads its one
 * {@code READY}/{@code ERROR} line with a timeout, and reaps the short-lived first process (the
 * shim itself detaches and is no child of the daemon).
 */
public final class ShimLauncher {
    private static final Logger LOG = Logger.getLogger(ShimLauncher.class.getName());
    /** Time to the READY line: clone, mounts and the init's whole setup (cgroups come after it). */
    public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_LINE = 8192;

    private final Path binary;
    private final Duration readyTimeout;
    private final PipeLibC libc;

    public ShimLauncher(Path binary, Duration readyTimeout) {
        if (readyTimeout.isNegative() || readyTimeout.isZero()) {
            throw new IllegalArgumentException("ready timeout must be positive: " + readyTimeout);
        }
        this.binary = binary;
        this.readyTimeout = readyTimeout;
        this.libc = LibraryLoader.create(PipeLibC.class).load("c");
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
        List<String> command = List.of(binary.toString(), "create", "--id", request.id(),
                "--bundle", request.bundle().toString(), "--plan", request.plan().toString(),
                "--socket", request.socket().toString(),
                "--log", request.log() == null ? "-" : request.log().toString(),
                "--exit-file", request.exitFile().toString());
        long began = System.nanoTime();
        long deadline = began + readyTimeout.toNanos();
        try (AnswerPipe answer = openAnswerPipe()) {
            Process first = start(new ProcessBuilder(command).redirectOutput(answer.childEnd()));
            try {
                answer.closeChildEnd();
                String line = readAnswer(answer, first, deadline, request);
                int status = reap(first, deadline);
                if (line == null) {
                    throw new ShimException("create", binary.getFileName() + " exited with status " + status
                            + " without answering" + stderrOf(first) + shimLogOf(request));
                }
                ShimHandle handle = parse(line, request);
                LOG.log(Level.FINE, () -> String.format("shim %s ready in %.1f ms (shim pid %d, init pid %d)",
                        request.id(), (System.nanoTime() - began) / 1e6, handle.shimPid(), handle.initPid()));
                return handle;
            } finally {
                closeStreams(first);
            }
        }
    }

    /** The binary's {@code --version} line, checked to speak plan-v1 and proto-v1. */
    public String version() throws ShimException {
        Process process = start(new ProcessBuilder(binary.toString(), "--version"));
        try {
            // --version does not fork: its line is in the pipe before it exits, so the JDK's pipe serves
            long deadline = System.nanoTime() + readyTimeout.toNanos();
            reap(process, deadline);
            String line;
            try {
                line = firstLine(process.getInputStream());
            } catch (IOException e) {
                throw new ShimException("version", e.getMessage(), e);
            }
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

    private AnswerPipe openAnswerPipe() throws ShimException {
        try {
            return AnswerPipe.open(libc);
        } catch (IOException e) {
            throw new ShimException("create", e.getMessage(), e);
        }
    }

    private Process start(ProcessBuilder builder) throws ShimException {
        try {
            return builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new ShimException("start " + binary, ShimConnection.reason(e), e);
        }
    }

    /** The answer line, or null when every writer closed without one; kills what hangs at the deadline. */
    private String readAnswer(AnswerPipe answer, Process first, long deadline, ShimCreateRequest request)
            throws ShimException {
        try {
            return answer.readLine(deadline, MAX_LINE);
        } catch (AnswerPipe.AnswerTimeoutException e) {
            first.destroyForcibly();
            killDetachedShim(request);
            throw new ShimException("timeout", binary.getFileName() + " gave no READY line within "
                    + readyTimeout.toMillis() + " ms; the shim was killed");
        } catch (IOException e) {
            first.destroyForcibly();
            killDetachedShim(request);
            throw new ShimException(e instanceof InterruptedIOException ? "interrupted" : "create",
                    "reading the shim's answer: " + e.getMessage(), e);
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
     * Kills the shim a failed or hung create left, and its init, found by the pid file the shim
     * writes; only when that pid still runs our binary (pids are reused).
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
                        // the init first: a shim killed first would leave it to the host's init
                        p.descendants().forEach(ProcessHandle::destroyForcibly);
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

    /** The end of DIR/shim.log, where a shim writes what it could not say on the pipe. */
    private static String shimLogOf(ShimCreateRequest request) {
        Path log = request.bundle().resolve("shim.log");
        try {
            byte[] bytes = Files.readAllBytes(log);
            String text = new String(bytes, Math.max(0, bytes.length - 2000), Math.min(bytes.length, 2000),
                    StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? "" : "; " + log + " says: " + text;
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
