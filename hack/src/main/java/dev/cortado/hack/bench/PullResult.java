package dev.cortado.hack.bench;

import java.util.Locale;

/**
 * One benchmark run against one fresh daemon.
 *
 * @param label           the runtime
 * @param run             the run number
 * @param coldSeconds     the first PullImage, store empty
 * @param warmSeconds     median of the re-pulls of the same reference, content present
 * @param compressedBytes layer bytes the cold pull downloaded
 * @param memory          the daemon's memory after the pulls, or null when no pid was given
 * @param imageId         what PullImage returned
 */
public record PullResult(String label, int run, double coldSeconds, double warmSeconds, long compressedBytes,
                         ProcessMemory memory, String imageId) {

    /** Compressed MB (10^6 bytes) per second of the cold pull. */
    public double coldMegabytesPerSecond() {
        return compressedBytes / 1e6 / coldSeconds;
    }

    /** The machine-readable line; keys never change order, absent memory reads "-". */
    public String line() {
        return String.format(Locale.ROOT,
                "PULL label=%s run=%d cold_s=%.3f cold_mbps=%.1f warm_s=%.4f rss_mib=%s peak_rss_mib=%s"
                        + " compressed_mb=%.1f image_id=%s",
                label.replaceAll("\\s", "_"), run, coldSeconds, coldMegabytesPerSecond(), warmSeconds,
                memory == null ? "-" : String.format(Locale.ROOT, "%.1f", memory.rssMib()),
                memory == null ? "-" : String.format(Locale.ROOT, "%.1f", memory.peakRssMib()),
                compressedBytes / 1e6, imageId);
    }

    /** One sentence for people. */
    public String summary() {
        String mem = memory == null ? "RSS not measured (no --pid)"
                : String.format(Locale.ROOT, "RSS %.1f MiB (peak %.1f MiB, %d process%s)", memory.rssMib(),
                memory.peakRssMib(), memory.processes(), memory.processes() == 1 ? "" : "es");
        return String.format(Locale.ROOT, "%s run %d: cold pull %.2f s (%.1f MB compressed, %.1f MB/s), "
                        + "warm re-pull %.1f ms, %s", label, run, coldSeconds, compressedBytes / 1e6,
                coldMegabytesPerSecond(), warmSeconds * 1000, mem);
    }
}
