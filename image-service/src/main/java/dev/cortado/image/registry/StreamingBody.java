package dev.cortado.image.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body as an InputStream that holds at most two network chunks in memory (it asks
 * the client for the next chunk only as the current one is read) and fails a read that waits
 * longer than the idle timeout: the JDK client's own timeout stops at the response headers, and
 * a stalled layer download must not hang a pull forever.
 */
final class StreamingBody implements HttpResponse.BodySubscriber<InputStream> {

    private static final Object END = new Object();

    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Stream stream;
    private volatile Flow.Subscription subscription;
    private volatile boolean closed;

    StreamingBody(URI uri, Duration idleTimeout) {
        this.stream = new Stream(uri, idleTimeout);
    }

    static HttpResponse.BodyHandler<InputStream> handler(URI uri, Duration idleTimeout) {
        return info -> new StreamingBody(uri, idleTimeout);
    }

    @Override
    public void onSubscribe(Flow.Subscription newSubscription) {
        if (subscription != null || closed) {
            newSubscription.cancel();
            return;
        }
        subscription = newSubscription;
        newSubscription.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
        queue.add(item);
    }

    @Override
    public void onError(Throwable throwable) {
        queue.add(throwable);
    }

    @Override
    public void onComplete() {
        queue.add(END);
    }

    @Override
    public CompletionStage<InputStream> getBody() {
        return CompletableFuture.completedFuture(stream);
    }

    private final class Stream extends InputStream {
        private final URI uri;
        private final long idleMillis;
        private Iterator<ByteBuffer> chunk = List.<ByteBuffer>of().iterator();
        private ByteBuffer current;
        private boolean ended;

        Stream(URI uri, Duration idleTimeout) {
            this.uri = uri;
            this.idleMillis = idleTimeout.toMillis();
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, buffer.length);
            if (closed) {
                throw new IOException("response body from " + uri + " is closed");
            }
            if (length == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(length, current.remaining());
            current.get(buffer, offset, n);
            return n;
        }

        @Override
        public int available() {
            return current == null ? 0 : current.remaining();
        }

        /** Makes {@code current} hold unread bytes; false at the end of the body. */
        private boolean fill() throws IOException {
            while (current == null || !current.hasRemaining()) {
                if (chunk.hasNext()) {
                    current = chunk.next();
                    continue;
                }
                if (ended) {
                    return false;
                }
                Object item = take();
                if (item == END) {
                    ended = true;
                } else if (item instanceof Throwable failure) {
                    ended = true;
                    throw failure instanceof IOException io ? io
                            : new IOException("reading " + uri + " failed: " + failure, failure);
                } else {
                    @SuppressWarnings("unchecked")
                    List<ByteBuffer> buffers = (List<ByteBuffer>) item;
                    chunk = buffers.iterator();
                    // Ask for the next chunk while this one is consumed: at most two are held.
                    subscription.request(1);
                }
            }
            return true;
        }

        private Object take() throws IOException {
            try {
                Object item = queue.poll(idleMillis, TimeUnit.MILLISECONDS);
                if (item == null) {
                    throw new SocketTimeoutException("no data from " + uri + " for " + idleMillis + " ms");
                }
                return item;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading " + uri);
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            Flow.Subscription s = subscription;
            if (s != null && !ended) {
                s.cancel();
            }
            queue.clear();
            current = null;
        }
    }
}
