package dev.cortado.runtime.daemon;

import dev.cortado.runtime.config.ConfigException;
import dev.cortado.runtime.config.DaemonConfig;
import dev.cortado.runtime.config.LogLevels;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code cortado}: parses flags and configuration, starts the daemon, and stops it in order on
 * SIGTERM or SIGINT, exiting 0. Exit codes: 0 after a clean stop, 1 when the daemon cannot
 * start or fails, 2 for bad flags or configuration.
 */
public final class Main {

    /** Held so that the levels set on them are not lost when the JVM drops unused loggers. */
    private static final Logger GRPC_LOG = Logger.getLogger("io.grpc");
    private static final Logger NETTY_LOG = Logger.getLogger("io.netty");

    private Main() {
    }

    public static void main(String[] args) {
        CommandLine.Parsed parsed;
        try {
            parsed = CommandLine.parse(args);
        } catch (ConfigException e) {
            System.err.println("cortado: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (parsed.help()) {
            System.out.print(CommandLine.USAGE);
            return;
        }
        if (parsed.version()) {
            System.out.println("cortado " + version());
            return;
        }
        DaemonConfig config = parsed.config();
        configureLogging(config.logLevel());
        Logger log = Logger.getLogger(Main.class.getName());
        Daemon daemon;
        try {
            daemon = Daemon.start(config, version());
        } catch (StartupException e) {
            log.severe("cannot start: " + e.getMessage());
            System.exit(1);
            return;
        } catch (IOException | RuntimeException e) {
            log.log(Level.SEVERE, "cannot start", e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        SignalHandler stop = signal -> {
            log.info("received SIG" + signal.getName());
            daemon.stop();
            stopped.countDown();
        };
        Signal.handle(new Signal("TERM"), stop);
        Signal.handle(new Signal("INT"), stop);
        try {
            daemon.awaitTermination();
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        daemon.close();
        System.exit(0);
    }

    static String version() {
        String version = Main.class.getPackage().getImplementationVersion();
        return version == null ? "0.1.0-dev" : version;
    }

    private static void configureLogging(String level) {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Level chosen = LogLevels.toLevel(level);
        ConsoleHandler console = new ConsoleHandler();
        console.setFormatter(new LogFormat(chosen.intValue() <= Level.FINE.intValue()));
        console.setLevel(chosen);
        root.addHandler(console);
        root.setLevel(chosen);
        // Libraries speak only when something is wrong.
        GRPC_LOG.setLevel(Level.WARNING);
        NETTY_LOG.setLevel(Level.WARNING);
    }
}
