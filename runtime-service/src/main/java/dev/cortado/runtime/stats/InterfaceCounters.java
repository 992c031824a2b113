package dev.cortado.runtime.stats;

/** One network interface's cumulative counters, as /proc/net/dev lists them. */
record InterfaceCounters(String name, long rxBytes, long rxPackets, long rxErrors, long rxDropped, long txBytes,
                         long txPackets, long txErrors, long txDropped) {
}
