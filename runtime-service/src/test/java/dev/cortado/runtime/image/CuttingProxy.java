package dev.cortado.runtime.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of a registry that breaks blob downloads: a blob
 * response whose body is longer than {@code cutAfter} bytes is passed on with its full headers
 * but only {@code cutAfter} bytes of body, then the connection is closed, as a network failure
 * mid-transfer would (every such response, or only the first), or held open with nothing more
 * sent, as a stalled transfer. One request per connection ({@code Connection: close} both ways),
 * so each response ends where its stream does.
 */
final class CuttingProxy implements AutoCloseable {

    /** One blob request as the proxy saw it. */
    record BlobRequest(String path, String range, boolean cut) {
    }

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final long cutAfter;
    private final Mode mode;
    private final AtomicInteger cuts = new AtomicInteger();
    private final List<BlobRequest> blobRequests = new CopyOnWriteArrayList<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads;

    private enum Mode { CUT_EVERY, CUT_FIRST, STALL_EVERY }

    private CuttingProxy(ServerSocket server, InetSocketAddress upstream, long cutAfter, Mode mode) {
        this.server = server;
        this.upstream = upstream;
        this.cutAfter = cutAfter;
        this.mode = mode;
        AtomicInteger count = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "cutting-proxy-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Cuts every blob response longer than {@code cutAfter} bytes. */
    static CuttingProxy cuttingEvery(int upstreamPort, long cutAfter) throws IOException {
        return start(upstreamPort, cutAfter, Mode.CUT_EVERY);
    }

    /** Cuts the first blob response longer than {@code cutAfter} bytes; passes everything else whole. */
    static CuttingProxy cuttingFirst(int upstreamPort, long cutAfter) throws IOException {
        return start(upstreamPort, cutAfter, Mode.CUT_FIRST);
    }

    /** Sends {@code cutAfter} bytes of every longer blob response, then nothing, until the client leaves. */
    static CuttingProxy stallingEvery(int upstreamPort, long cutAfter) throws IOException {
        return start(upstreamPort, cutAfter, Mode.STALL_EVERY);
    }

    private static CuttingProxy start(int upstreamPort, long cutAfter, Mode mode) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerSocket server = new ServerSocket(0, 50, loopback);
        CuttingProxy proxy = new CuttingProxy(server, new InetSocketAddress(loopback, upstreamPort), cutAfter, mode);
        proxy.threads.execute(proxy::acceptLoop);
        return proxy;
    }

    String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** Blob requests in the order they arrived, with their Range header ("" when none). */
    List<BlobRequest> blobRequests() {
        return List.copyOf(blobRequests);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                open.add(client);
                threads.execute(() -> serve(client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        Socket registry = new Socket();
        open.add(registry);
        try (client; registry) {
            registry.connect(upstream, 5000);
            String request = readHead(client.getInputStream());
            if (request == null) {
                return;
            }
            String[] lines = request.split("\r\n");
            registry.getOutputStream().write(withConnectionClose(lines).getBytes(StandardCharsets.ISO_8859_1));
            String response = readHead(registry.getInputStream());
            if (response == null) {
                return;
            }
            String[] responseLines = response.split("\r\n");
            OutputStream toClient = client.getOutputStream();
            toClient.write(withConnectionClose(responseLines).getBytes(StandardCharsets.ISO_8859_1));
            boolean blob = lines[0].startsWith("GET ") && lines[0].contains("/blobs/sha256:");
            boolean longBlob = blob && isSuccess(responseLines[0]) && contentLength(responseLines) > cutAfter;
            boolean cut = longBlob && (mode == Mode.CUT_FIRST ? cuts.compareAndSet(0, 1) : cuts.incrementAndGet() > 0);
            if (blob) {
                blobRequests.add(new BlobRequest(lines[0].split(" ")[1], header(lines, "range"), cut));
            }
            if (cut) {
                copy(registry.getInputStream(), toClient, cutAfter);
                if (mode == Mode.STALL_EVERY) {
                    toClient.flush();
                    client.getInputStream().transferTo(OutputStream.nullOutputStream());
                }
            } else {
                copy(registry.getInputStream(), toClient, Long.MAX_VALUE);
            }
            toClient.flush();
        } catch (IOException e) {
            // a client that gave up, or the proxy closing: the connection is over either way
        } finally {
            open.remove(client);
            open.remove(registry);
        }
    }

    /** The request or status line and headers, with Connection replaced by "close". */
    private static String withConnectionClose(String[] lines) {
        StringBuilder head = new StringBuilder(lines[0]).append("\r\n");
        for (int i = 1; i < lines.length; i++) {
            if (!lines[i].toLowerCase(Locale.ROOT).startsWith("connection:")) {
                head.append(lines[i]).append("\r\n");
            }
        }
        return head.append("Connection: close\r\n\r\n").toString();
    }

    private static boolean isSuccess(String statusLine) {
        String[] parts = statusLine.split(" ");
        return parts.length > 1 && (parts[1].equals("200") || parts[1].equals("206"));
    }

    private static long contentLength(String[] lines) {
        String value = header(lines, "content-length");
        return value.isEmpty() ? -1 : Long.parseLong(value);
    }

    private static String header(String[] lines, String name) {
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase(name)) {
                return lines[i].substring(colon + 1).trim();
            }
        }
        return "";
    }

    /** Reads up to the blank line ending an HTTP head; null if the stream ends first. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < end.length) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - end.length);
    }

    private static void copy(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buffer = new byte[16 * 1024];
        long left = limit;
        int n;
        while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        server.close();
        for (Socket socket : open) {
            socket.close();
        }
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }
}
