package dev.cortado.runtime.daemon;

import dev.cortado.cri.v1.VersionRequest;
import dev.cortado.hack.bench.CriClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real cortado daemon in its own JVM, as the kubelet would find it: started from the test
 * classpath with a root, state and socket inside a test directory, reached over its socket.
 * Closing it kills the process if it still runs; the directory is the caller's to delete.
 */
public final class DaemonProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final Process process;
    private final Path log;
    private CriClient client;

    private DaemonProcess(Path dir, Process process, Path log) {
        this.dir = dir;
        this.process = process;
        this.log = log;
    }

    public static Path root(Path dir) {
        return dir.resolve("root");
    }

    public static Path socket(Path dir) {
        return dir.resolve("state").resolve("cortado.sock");
    }

    /** Starts a daemon on {@code dir} and waits until it answers Version. */
    public static DaemonProcess start(Path dir, String... flags) throws IOException, InterruptedException {
        return startWithJvmOptions(dir, List.of(), flags);
    }

    /** Starts a daemon whose JVM also gets {@code jvmOptions} (e.g. -D settings tests shorten). */
    public static DaemonProcess startWithJvmOptions(Path dir, List<String> jvmOptions, String... flags)
            throws IOException, InterruptedException {
        DaemonProcess daemon = launch(dir, jvmOptions, flags);
        try {
            daemon.awaitReady();
        } catch (IOException | InterruptedException | RuntimeException e) {
            daemon.close();
            throw e;
        }
        return daemon;
    }

    /** Starts a daemon with a configuration file holding {@code toml}. */
    public static DaemonProcess startWithConfig(Path dir, String toml, String... flags)
            throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path config = dir.resolve("cortado.toml");
        Files.writeString(config, toml);
        List<String> all = new ArrayList<>(List.of("--config", config.toString()));
        all.addAll(List.of(flags));
        return start(dir, all.toArray(String[]::new));
    }

    /** Starts the process without waiting: for tests of start-up failures. */
    public static DaemonProcess launch(Path dir, String... flags) throws IOException {
        return launch(dir, List.of(), flags);
    }

    private static DaemonProcess launch(Path dir, List<String> jvmOptions, String... flags) throws IOException {
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx512m", "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of(
                "-Dcortado.shim=" + shimBinary(),
                "-cp", System.getProperty("java.class.path"),
                Main.class.getName(),
                "--root", root(dir).toString(),
                "--state", dir.resolve("state").toString(),
                // never the host's /etc/cni/net.d: tests that want a network pass their own (a later flag wins)
                "--cni-conf-dir", dir.resolve("cni-conf-none").toString()));
        command.addAll(List.of(flags));
        Path log = dir.resolve("daemon.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("LANG", "C.UTF-8");
        return new DaemonProcess(dir, builder.start(), log);
    }

    /** The shim the build made: shim/target/cortado-shim beside this module. */
    public static Path shimBinary() {
        Path here = Path.of("").toAbsolutePath();
        Path module = Files.isDirectory(here.resolve("../shim")) ? here.resolve("../shim") : here.resolve("shim");
        return module.resolve("target").resolve("cortado-shim").normalize();
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Path socket = socket(dir);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("daemon exited with " + process.exitValue() + " before it was ready:\n" + log());
            }
            if (Files.exists(socket)) {
                try {
                    client().runtime().withDeadlineAfter(2, TimeUnit.SECONDS).version(VersionRequest.getDefaultInstance());
                    return;
                } catch (RuntimeException notYet) {
                    // socket bound but not serving yet
                }
            }
            Thread.sleep(50);
        }
        throw new IOException("daemon not ready after " + READY_TIMEOUT + ":\n" + log());
    }

    public synchronized CriClient client() {
        if (client == null) {
            client = CriClient.connect("unix://" + socket(dir));
        }
        return client;
    }

    public Path dir() {
        return dir;
    }

    public Path root() {
        return root(dir);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end by itself; returns its exit code. */
    public int waitFor(Duration timeout) throws InterruptedException, IOException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("daemon still running after " + timeout + ":\n" + log());
        }
        return process.exitValue();
    }

    /** SIGTERM, then waits for the orderly stop; returns the exit code. */
    public int terminate() throws InterruptedException, IOException {
        closeClient();
        process.destroy();
        return waitFor(Duration.ofSeconds(90));
    }

    /** SIGKILL: the daemon gets no chance to tidy up. */
    public void kill() throws InterruptedException {
        closeClient();
        process.destroyForcibly();
        process.waitFor();
    }

    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private synchronized void closeClient() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        closeClient();
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
