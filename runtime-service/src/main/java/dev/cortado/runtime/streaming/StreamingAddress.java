package dev.cortado.runtime.streaming;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parses the streaming server's listen address: {@code host:port}, {@code [v6]:port}; port 0 picks a free one. */
public final class StreamingAddress {

    public static final String DEFAULT = "127.0.0.1:0";

    private StreamingAddress() {
    }

    public static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("streaming address \"" + text + "\" is not host:port (for example "
                    + DEFAULT + ", or [::1]:10010)");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new IllegalArgumentException("streaming address \"" + text + "\": write an IPv6 host in brackets,"
                    + " as [::1]:10010");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("streaming address \"" + text + "\": the port must be 0 to 65535");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("streaming address \"" + text + "\": " + e.getMessage());
        }
    }
}
