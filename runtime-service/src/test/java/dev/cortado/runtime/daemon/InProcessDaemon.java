package dev.cortado.runtime.daemon;

import dev.cortado.hack.bench.CriClient;
import dev.cortado.runtime.streaming.ContainerStreams;
import java.nio.file.Path;

/**
 * A daemon in the test's own JVM, for tests that need its objects (the streaming side) as well as
 * its socket. Its shim is the build's (the {@code cortado.shim} property is set for it unless
 * already given). Closing it stops the daemon; pods are the caller's to remove first.
 */
public final class InProcessDaemon implements AutoCloseable {
    private final Daemon daemon;
    private final CriClient client;

    private InProcessDaemon(Daemon daemon, CriClient client) {
        this.daemon = daemon;
        this.client = client;
    }

    /** Starts on {@code dir} (root, state and socket inside it, as for {@link DaemonProcess}). */
    public static InProcessDaemon start(Path dir) throws Exception {
        if (System.getProperty("cortado.shim") == null) {
            System.setProperty("cortado.shim", DaemonProcess.shimBinary().toString());
        }
        CommandLine.Parsed parsed = CommandLine.parse(new String[] {"--root", DaemonProcess.root(dir).toString(),
                "--state", dir.resolve("state").toString(), "--socket", DaemonProcess.socket(dir).toString()});
        Daemon daemon = Daemon.start(parsed.config(), "test");
        return new InProcessDaemon(daemon, CriClient.connect("unix://" + DaemonProcess.socket(dir)));
    }

    public CriClient client() {
        return client;
    }

    public ContainerStreams containerStreams() {
        return daemon.containerStreams();
    }

    @Override
    public void close() {
        client.close();
        daemon.stop();
        daemon.close();
    }
}
