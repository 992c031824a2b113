package dev.cortado.runtime.container;

import dev.cortado.runtime.daemon.RpcFailures;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.ContainerStatus;
import dev.cortado.cri.v1.ReopenContainerLogRequest;
import dev.cortado.hack.files.FileFacts;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The container's log file in the kubelet's CRI format, and its rotation through ReopenContainerLog. */
class ContainerLogTest extends BusyboxDaemonTest {

    /** {@code <RFC 3339 time with up to nanoseconds> <stream> <P|F> <text>}, as the kubelet parses it. */
    private static final Pattern RECORD = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:\\d{2})) (stdout|stderr) ([PF]) (.*)",
            Pattern.DOTALL);
    private static final int MAX_LINE = 16 * 1024;

    ContainerLogTest() {
        super("ctr-logs");
    }

    record LogRecord(Instant time, String stream, String tag, String text) {
    }

    @Test
    void recordsAreInTheCriFormatWithLongLinesSplit() throws Exception {
        PodFixture.Pod pod = pods.startPod("format");
        String id = pods.run(pod, "main", busybox.reference(), "sh", "-c", "echo hello; echo oops >&2; echo;"
                + " head -c 20000 /dev/zero | tr '\\0' x; echo; echo 'two  spaces'; printf 'no newline'");
        ContainerStatus exited = pods.awaitState(id, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(10));
        assertEquals(0, exited.getExitCode());
        List<LogRecord> records = parse(Path.of(exited.getLogPath()));

        List<String> stdout = new ArrayList<>();
        List<String> stderr = new ArrayList<>();
        for (LogRecord record : records) {
            (record.stream().equals("stdout") ? stdout : stderr).add(record.tag() + " " + record.text());
        }
        String x = "x".repeat(20000);
        assertEquals(List.of("F hello", "F ", "P " + x.substring(0, MAX_LINE), "F " + x.substring(MAX_LINE),
                "F two  spaces", "F no newline"), stdout);
        assertEquals(List.of("F oops"), stderr);

        Instant started = instant(exited.getStartedAt());
        Instant finished = instant(exited.getFinishedAt());
        Instant previous = started;
        for (LogRecord record : records) {
            assertTrue(!record.time().isBefore(started) && !record.time().isAfter(finished),
                    record + " is outside the container's run " + started + " .. " + finished);
            if (record.stream().equals("stdout")) {
                assertTrue(!record.time().isBefore(previous), "stdout records out of order: " + records);
                previous = record.time();
            }
        }
    }

    @Test
    void reopenAfterRotationWritesANewFileAtThePath() throws Exception {
        PodFixture.Pod pod = pods.startPod("rotate");
        String id = pods.run(pod, "main", busybox.reference(), "sh", "-c",
                "echo before; while [ ! -e /tmp/go ]; do usleep 20000; done; echo after; exec sleep 1000");
        Path log = Path.of(pods.status(id).getLogPath());
        PodFixture.await(() -> texts(log).contains("before"), Duration.ofSeconds(10), () -> "no \"before\" in " + log);

        Path rotated = log.resolveSibling(log.getFileName() + ".20261122-000000");
        Files.move(log, rotated);
        harness.runtime().reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(id).build());
        assertTrue(Files.exists(log), "ReopenContainerLog creates the file again");
        pods.sh(id, "touch /tmp/go");
        PodFixture.await(() -> texts(log).contains("after"), Duration.ofSeconds(10), () -> "no \"after\" in " + log);

        assertEquals(List.of("before"), texts(rotated));
        assertEquals(List.of("after"), texts(log));
        assertEquals(0640, FileFacts.permissions(log), "the new file is not world-readable");

        pods.stop(id, 0);
        RpcFailures.assertFails(Status.Code.FAILED_PRECONDITION, () -> harness.runtime().reopenContainerLog(
                ReopenContainerLogRequest.newBuilder().setContainerId(id).build()), "not running");
    }

    private static List<String> texts(Path log) {
        try {
            return Files.exists(log) ? parse(log).stream().map(LogRecord::text).toList() : List.of();
        } catch (IOException e) {
            throw new AssertionError("cannot read " + log, e);
        }
    }

    private static List<LogRecord> parse(Path log) throws IOException {
        String content = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(content.isEmpty() || content.endsWith("\n"), "the log ends in the middle of a record");
        List<LogRecord> records = new ArrayList<>();
        for (String line : content.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = RECORD.matcher(line);
            assertTrue(m.matches(), "not a CRI log record: \"" + line + "\"");
            records.add(new LogRecord(OffsetDateTime.parse(m.group(1)).toInstant(), m.group(2), m.group(3), m.group(4)));
        }
        return records;
    }

    private static Instant instant(long nanos) {
        return Instant.ofEpochSecond(0, nanos);
    }
}
