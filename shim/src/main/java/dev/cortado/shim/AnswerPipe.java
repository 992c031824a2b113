package dev.cortado.shim;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import jnr.ffi.Runtime;

/**
 * The pipe {@code cortado-shim create} answers on. ProcessBuilder's own stdout pipe cannot be
 * used: the JDK drains and closes a child's stdout as soon as that child exits, and the first
 * shim process exits (by design) before the detached shim writes READY, which would then hit a
 * closed pipe. This pipe is ours: the child gets the write end through its /proc/self/fd path
 * (opening a pipe's magic link opens the same pipe), and we read until a newline or until every
 * writer is gone, with poll(2) bounding the wait.
 */
final class AnswerPipe implements AutoCloseable {
    private final PipeLibC libc;
    private final Runtime runtime;
    private int readFd;
    private int writeFd;

    private AnswerPipe(PipeLibC libc, int readFd, int writeFd) {
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libc);
        this.readFd = readFd;
        this.writeFd = writeFd;
    }

    /** A new pipe, close-on-exec (so that no other child the daemon starts inherits it). */
    static AnswerPipe open(PipeLibC libc) throws IOException {
        int[] fds = new int[2];
        if (libc.pipe2(fds, PipeLibC.O_CLOEXEC | PipeLibC.O_NONBLOCK) != 0) {
            int errno = Runtime.getRuntime(libc).getLastError();
            throw new IOException("pipe2: " + libc.strerror(errno));
        }
        return new AnswerPipe(libc, fds[0], fds[1]);
    }

    /** Where the child's stdout goes: the JDK opens this path in the parent and hands it over. */
    ProcessBuilder.Redirect childEnd() {
        return ProcessBuilder.Redirect.to(new File("/proc/self/fd/" + writeFd));
    }

    /** Drops our write end once the child holds its own, so that end of file means "no writer left". */
    void closeChildEnd() {
        if (writeFd >= 0) {
            libc.close(writeFd);
            writeFd = -1;
        }
    }

    /**
     * The first line (without {@code \n}); what was written without a newline when every writer
     * closed; null when nothing was. Throws {@link AnswerTimeoutException} at the deadline.
     */
    String readLine(long deadlineNanos, int maxBytes) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[512];
        ByteBuffer pollfd = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new AnswerTimeoutException();
            }
            pollfd.clear();
            pollfd.putInt(readFd).putShort(PipeLibC.POLLIN).putShort((short) 0);
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException("interrupted while waiting for the shim's answer");
            }
            // short slices, so that an interrupt (daemon shutdown) is noticed within a tenth of a second
            int ready = libc.poll(pollfd.array(), 1, (int) Math.min(100, Math.max(1, left / 1_000_000)));
            if (ready < 0) {
                failUnlessInterrupted("poll");
                continue;
            }
            if (ready == 0) {
                continue;
            }
            long n = libc.read(readFd, buf, buf.length);
            if (n < 0) {
                failUnlessInterrupted("read");
                continue;
            }
            if (n == 0) {
                return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
            }
            for (int i = 0; i < n; i++) {
                if (buf[i] == '\n') {
                    // the shim writes one line and closes; anything after it is not part of the answer
                    return line.toString(StandardCharsets.UTF_8);
                }
                if (line.size() >= maxBytes) {
                    throw new IOException("the shim's answer is longer than " + maxBytes + " bytes");
                }
                line.write(buf[i]);
            }
        }
    }

    private void failUnlessInterrupted(String call) throws IOException {
        int errno = runtime.getLastError();
        if (errno != PipeLibC.EINTR && errno != PipeLibC.EAGAIN) {
            throw new IOException(call + " on the shim's answer pipe: " + libc.strerror(errno));
        }
    }

    @Override
    public void close() {
        closeChildEnd();
        if (readFd >= 0) {
            libc.close(readFd);
            readFd = -1;
        }
    }

    /** The deadline passed before a line or end of file. */
    static final class AnswerTimeoutException extends IOException {
        AnswerTimeoutException() {
            super("no answer in time");
        }
    }
}
