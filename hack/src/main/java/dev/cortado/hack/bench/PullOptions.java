package dev.cortado.hack.bench;

import java.util.List;
import java.util.Set;

/**
 * The command line of {@link PullBenchmark}.
 *
 * @param endpoint       {@code unix:///path/to.sock} of a freshly started daemon
 * @param image          the reference to pull, e.g. {@code 127.0.0.1:PORT/bench/large:v1}
 * @param label          names the runtime in the result line (cortado, containerd)
 * @param pid            the daemon's pid whose RSS is reported, or -1 to skip memory
 * @param run            the run number printed in the result line (the driving script counts)
 * @param warmPulls      how many warm re-pulls to time; the result is their median
 * @param expectedId     the image ID the pull must return, or null not to check
 * @param prime          an unrelated image pulled (untimed) before the cold pull, or null
 * @param timeoutSeconds the deadline of each CRI call
 * @param readySeconds   how long to wait for a just-started daemon's image service to answer
 */
public record PullOptions(String endpoint, String image, String label, long pid, int run, int warmPulls,
                          String expectedId, String prime, long timeoutSeconds, long readySeconds) {

    static final String USAGE = """
            Usage: PullBenchmark --endpoint unix:///path.sock --image HOST:PORT/repo:tag [options]

            Times a cold PullImage on a freshly started CRI runtime (empty store), then warm
            re-pulls of the same reference, then reads the daemon's resident memory.
            Prints one line "PULL label=... run=... cold_s=... cold_mbps=... warm_s=... rss_mib=..."
            on stdout and a summary on stderr. Start a fresh daemon for every run.

            Options:
              --label NAME          runtime name in the result (default: the runtime's Version name)
              --pid PID             the daemon's pid, to report its RSS (VmRSS, plus its descendants)
              --run N               run number to print (default 1)
              --warm-pulls N        warm re-pulls to time, median reported (default 3)
              --expect-id ID        fail unless the pull returns this image ID (sha256:...)
              --prime REF           pull this unrelated image first, untimed, as a kubelet pulls
                                    its pause image: the cold pull then meets a daemon that has
                                    served a pull (for a JVM, one whose pull path is compiled)
              --timeout SECONDS     deadline of each CRI call (default 600)
              --ready-timeout SECONDS
                                    wait this long for the image service to answer (default 60)
            """;

    public PullOptions {
        if (endpoint == null || image == null) {
            throw new IllegalArgumentException("--endpoint and --image are required");
        }
        CriClient.socketPath(endpoint);
        if (run < 1 || warmPulls < 1 || timeoutSeconds < 1 || readySeconds < 1) {
            throw new IllegalArgumentException("--run, --warm-pulls, --timeout and --ready-timeout must be at least 1");
        }
    }

    /** Parses {@code args}; an empty list means "print usage". */
    public static PullOptions parse(List<String> args) {
        Flags flags = Flags.parse(args, Set.of("--endpoint", "--image", "--label", "--pid", "--run", "--warm-pulls",
                "--expect-id", "--prime", "--timeout", "--ready-timeout"), Set.of());
        return new PullOptions(flags.string("--endpoint", null), flags.string("--image", null),
                flags.string("--label", null), flags.number("--pid", -1, 1), (int) flags.number("--run", 1, 1),
                (int) flags.number("--warm-pulls", 3, 1), flags.string("--expect-id", null),
                flags.string("--prime", null), flags.number("--timeout", 600, 1),
                flags.number("--ready-timeout", 60, 1));
    }
}
