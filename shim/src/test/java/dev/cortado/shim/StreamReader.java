package dev.cortado.shim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Reads a {@link ShimStream} on a thread of its own, so that a test never hangs on a stream that
 * does not end: past the limit the stream is closed (which ends the read) and the test fails.
 */
final class StreamReader {
    private final ShimStream stream;
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private StreamReader(ShimStream stream) {
        this.stream = stream;
    }

    static StreamReader start(ShimStream stream) {
        StreamReader reader = new StreamReader(stream);
        Thread thread = new Thread(reader::run, "test-stream-reader");
        thread.setDaemon(true);
        thread.start();
        return reader;
    }

    private void run() {
        try {
            ShimStream.Output output;
            while ((output = stream.read()) != null) {
                synchronized (this) {
                    (output.stream() == ShimStream.STDOUT ? stdout : stderr).write(output.data());
                }
            }
            ended.complete(null);
        } catch (Exception | AssertionError e) {
            ended.completeExceptionally(e);
        }
    }

    synchronized String stdout() {
        return stdout.toString(StandardCharsets.UTF_8);
    }

    synchronized String stderr() {
        return stderr.toString(StandardCharsets.UTF_8);
    }

    /** Waits until stdout satisfies {@code condition}; false after {@code limit}. */
    boolean awaitStdout(Duration limit, Predicate<String> condition) throws InterruptedException {
        return ProcStat.eventually(limit, () -> condition.test(stdout()));
    }

    /** Waits for read() to return null; closes the stream and throws when it does not in time. */
    StreamReader awaitEnd(Duration limit) throws Exception {
        try {
            ended.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            stream.close();
            throw new AssertionError("the stream did not end within " + limit + "; stdout so far: " + stdout(), e);
        }
        return this;
    }
}
