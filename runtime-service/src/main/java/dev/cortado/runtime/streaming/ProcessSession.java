package dev.cortado.runtime.streaming;

import dev.cortado.shim.ShimStream;
import java.io.IOException;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * One exec or attach between a client connection and the shim: input (stdin, resize) is handed
 * over from the event loop to a single input thread, so it keeps its order and never blocks netty;
 * output is read on the session's own thread (the shim's read blocks) and pushed to the sink.
 */
public final class ProcessSession implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ProcessSession.class.getName());

    /** Opens the shim stream; runs on the input thread so input sent meanwhile waits behind it. */
    public interface Opener {
        ShimStream open() throws IOException;
    }

    private final String name;
    private final OutputSink sink;
    private final boolean reportsExitCode;
    private final ExecutorService input;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile ShimStream stream;
    private volatile boolean closed;

    /**
     * @param reportsExitCode whether the exit code is the session's result (exec), or only its
     *                        end (attach: the container's own exit is not the client's failure)
     */
    public ProcessSession(String name, OutputSink sink, boolean reportsExitCode) {
        this.reportsExitCode = reportsExitCode;
        this.name = name;
        this.sink = sink;
        this.input = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, name + "-input");
            thread.setDaemon(true);
            return thread;
        });
    }

    public void start(Opener opener) {
        input.execute(() -> {
            ShimStream opened;
            try {
                opened = opener.open();
            } catch (IOException | RuntimeException e) {
                finish(ExitStatus.failed(e.getMessage()));
                return;
            }
            synchronized (this) {
                if (closed) {
                    opened.close();
                    return;
                }
                stream = opened;
            }
            Thread reader = new Thread(() -> pump(opened), name);
            reader.setDaemon(true);
            reader.start();
        });
    }

    private void pump(ShimStream opened) {
        try {
            ShimStream.Output output;
            while ((output = opened.read()) != null) {
                if (output.stream() == 2) {
                    sink.stderr(output.data());
                } else {
                    sink.stdout(output.data());
                }
            }
            OptionalInt code = opened.exitCode();
            if (!reportsExitCode) {
                finish(ExitStatus.exited(0));
            } else {
                finish(code.isPresent() ? ExitStatus.exited(code.getAsInt())
                        : ExitStatus.failed("the process's exit code is unknown"));
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                finish(ExitStatus.failed("reading the process's output failed: " + e.getMessage()));
            }
        }
    }

    private void finish(ExitStatus status) {
        if (finished.compareAndSet(false, true)) {
            sink.finish(status);
        }
    }

    public void stdin(byte[] data) {
        submit(() -> stream.writeStdin(data, 0, data.length));
    }

    public void closeStdin() {
        submit(() -> stream.closeStdin());
    }

    public void resize(TerminalSize size) {
        submit(() -> stream.resize(size.width(), size.height()));
    }

    private interface Action {
        void run() throws IOException;
    }

    private void submit(Action action) {
        if (closed) {
            return;
        }
        input.execute(() -> {
            if (stream == null || closed) {
                return;
            }
            try {
                action.run();
            } catch (IOException e) {
                // the process may have exited with input still in flight; its exit status says the rest
                LOG.fine(name + ": input not delivered: " + e.getMessage());
            }
        });
    }

    /** The client is gone: the shim stream closes (an exec's process is not killed by this). */
    @Override
    public void close() {
        ShimStream open;
        synchronized (this) {
            closed = true;
            open = stream;
        }
        // closed here, not on the input thread: a stdin write blocked on a process that does not
        // read must not keep the stream (and the exec) alive
        if (open != null) {
            open.close();
        }
        input.shutdown();
    }
}
