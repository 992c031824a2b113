package dev.cortado.image.registry;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Idle keep-alive connections per origin, so a pull's manifest, config and layer requests share
 * a handful of connections. Connections idle longer than the limit are closed, not reused:
 * servers drop them on their side after a while.
 */
final class ConnectionPool implements AutoCloseable {

    private static final int MAX_IDLE_PER_ORIGIN = 8;
    private static final long MAX_IDLE_NANOS = 20_000_000_000L;

    private final Map<String, Deque<HttpConnection>> idle = new HashMap<>();
    private boolean closed;

    /** An idle connection to the origin, or null. */
    synchronized HttpConnection take(String origin) {
        Deque<HttpConnection> connections = idle.get(origin);
        long now = System.nanoTime();
        while (connections != null && !connections.isEmpty()) {
            HttpConnection connection = connections.pollLast();
            if (now - connection.idleSince() < MAX_IDLE_NANOS) {
                return connection;
            }
            connection.close();
        }
        return null;
    }

    synchronized void give(HttpConnection connection) {
        Deque<HttpConnection> connections = idle.computeIfAbsent(connection.origin(), o -> new ArrayDeque<>());
        if (closed || connections.size() >= MAX_IDLE_PER_ORIGIN) {
            connection.close();
            return;
        }
        connection.markIdle(System.nanoTime());
        connections.addLast(connection);
    }

    @Override
    public synchronized void close() {
        closed = true;
        idle.values().forEach(connections -> connections.forEach(HttpConnection::close));
        idle.clear();
    }
}
