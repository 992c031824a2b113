package dev.cortado.shim;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A stand-in for the shim's side of the socket, answering each request with scripted bytes, so
 * that the client's handling of malformed, partial and late replies can be tested without a
 * shim that would misbehave on purpose. The real shim is exercised in ShimIntegrationTest.
 */
final class ScriptedShim implements AutoCloseable {
    private final Path socket;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    /** @param answer the bytes to write for a request line (without \n); null closes without a reply */
    ScriptedShim(Path socket, Function<String, byte[]> answer) throws IOException {
        this.socket = socket;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        acceptor = new Thread(() -> serve(answer), "scripted-shim");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static byte[] text(String reply) {
        return reply.getBytes(StandardCharsets.UTF_8);
    }

    List<String> requests() {
        return requests;
    }

    private void serve(Function<String, byte[]> answer) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                String request = readLine(client);
                requests.add(request);
                byte[] reply = answer.apply(request);
                if (reply != null) {
                    client.write(ByteBuffer.wrap(reply));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static String readLine(SocketChannel client) throws IOException {
        StringBuilder line = new StringBuilder();
        ByteBuffer one = ByteBuffer.allocate(1);
        while (client.read(one.clear()) > 0) {
            if (one.get(0) == '\n') {
                break;
            }
            line.append((char) one.get(0));
        }
        return line.toString();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
    }
}
