package dev.cortado.runtime.streaming.portforward;

import java.io.IOException;
import java.nio.channels.SocketChannel;

/** Dials a port of the pod a port-forward URL was issued for; blocks, so never on an event loop. */
public interface PortDialer {

    SocketChannel dial(int port) throws IOException;

    /** Whether the client may ask for this port (the ports the RPC named, or any if it named none). */
    boolean allowed(int port);
}
