package dev.cortado.runtime.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * A TCP address the daemon listens on, written {@code host:port} ({@code [::1]:port} for IPv6).
 * The host must be a literal address: a name would make what the daemon exposes depend on DNS.
 */
public record ListenAddress(String host, int port) {

    public ListenAddress {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
    }

    /** @param what names the setting in the error, e.g. {@code "metrics.address"} */
    public static ListenAddress parse(String text, String what) throws ConfigException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new ConfigException(what + ": \"" + text + "\" is not host:port (e.g. 127.0.0.1:9090)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new ConfigException(what + ": write an IPv6 address in brackets, as [" + host + "]:port");
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            throw new ConfigException(what + ": \"" + host + "\" is not an IP address");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(what + ": port \"" + text.substring(colon + 1) + "\" is not a number from 0 to 65535");
        }
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new ConfigException(what + ": \"" + host + "\" is not an IP address");
        }
        return new ListenAddress(host, port);
    }

    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    public boolean loopback() {
        return socketAddress().getAddress().isLoopbackAddress();
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
