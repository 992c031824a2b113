package dev.cortado.image.registry;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import java.util.List;

/**
 * One HTTP/1.1 connection to an origin, plain or TLS. Reads block with the read timeout, so a
 * stalled transfer fails with a timeout that the caller may resume from.
 */
final class HttpConnection implements AutoCloseable {

    private static final int BUFFER = 64 * 1024;

    private final String origin;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private long idleSince;

    private HttpConnection(String origin, Socket socket) throws IOException {
        this.origin = origin;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), BUFFER);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 8 * 1024);
    }

    /**
     * Connects to {@code host:port}; with a TLS context, runs the handshake, checking the
     * certificate against the host name unless {@code verifyHost} is false.
     */
    static HttpConnection open(String origin, String host, int port, SSLContext tls, boolean verifyHost,
                               Duration connectTimeout, Duration readTimeout) throws IOException {
        Socket plain = new Socket();
        try {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            plain.setSoTimeout((int) readTimeout.toMillis());
            if (tls == null) {
                return new HttpConnection(origin, plain);
            }
            SSLSocket secure = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
            SSLParameters parameters = secure.getSSLParameters();
            if (verifyHost) {
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
            }
            if (!host.isEmpty() && Character.isLetter(host.charAt(host.length() - 1))) {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            }
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            secure.setSSLParameters(parameters);
            secure.startHandshake();
            return new HttpConnection(origin, secure);
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    String origin() {
        return origin;
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    void markIdle(long nanos) {
        idleSince = nanos;
    }

    long idleSince() {
        return idleSince;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do about a failed close of a connection we drop
        }
    }
}
