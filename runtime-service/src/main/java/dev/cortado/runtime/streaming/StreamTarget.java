package dev.cortado.runtime.streaming;

import java.util.List;

/** What a streaming URL was issued for: fixed by the RPC, so the HTTP request cannot change it. */
public sealed interface StreamTarget {

    /** The URL path segment the target is served under. */
    String kind();

    record Exec(String containerId, List<String> cmd, boolean tty, boolean stdin, boolean stdout, boolean stderr)
            implements StreamTarget {
        public Exec {
            cmd = List.copyOf(cmd);
        }

        @Override
        public String kind() {
            return "exec";
        }
    }

    record Attach(String containerId, boolean tty, boolean stdin, boolean stdout, boolean stderr)
            implements StreamTarget {
        @Override
        public String kind() {
            return "attach";
        }
    }

    /** @param ports the ports the RPC named; empty means the client names them (as the kubelet allows) */
    record PortForward(String podSandboxId, List<Integer> ports) implements StreamTarget {
        public PortForward {
            ports = List.copyOf(ports);
        }

        @Override
        public String kind() {
            return "portforward";
        }
    }
}
