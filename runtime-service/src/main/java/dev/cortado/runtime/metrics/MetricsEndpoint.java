package dev.cortado.runtime.metrics;

import dev.cortado.runtime.config.ListenAddress;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.logging.Logger;

/** The Prometheus text endpoint at {@code /metrics}, serving the daemon's own registry only. */
public final class MetricsEndpoint implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MetricsEndpoint.class.getName());

    private final HTTPServer server;

    private MetricsEndpoint(HTTPServer server) {
        this.server = server;
    }

    public static MetricsEndpoint start(ListenAddress address, CollectorRegistry registry) throws IOException {
        HTTPServer server = new HTTPServer.Builder()
                .withInetSocketAddress(new InetSocketAddress(address.host(), address.port()))
                .withRegistry(registry)
                .withDaemonThreads(true)
                .build();
        LOG.info("metrics served at http://" + new ListenAddress(address.host(), server.getPort()) + "/metrics"
                + (address.loopback() ? "" : " (not loopback: reachable from the network)"));
        return new MetricsEndpoint(server);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
