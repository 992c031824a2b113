package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.ContainerState;
import dev.cortado.cri.v1.VersionRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Prometheus endpoint of a daemon started with {@code --metrics-address}, scraped over real HTTP. */
class MetricsEndpointTest extends BusyboxDaemonTest {

    private static final Pattern SERVED = Pattern.compile("metrics served at (http://127\\.0\\.0\\.1:\\d+/metrics)");

    private String url;

    MetricsEndpointTest() {
        super("metrics", "--metrics-address", "127.0.0.1:0");
    }

    @Override
    protected void prepare() throws Exception {
        Matcher served = SERVED.matcher(harness.daemonLog());
        assertTrue(served.find(), "the daemon did not say where it serves metrics:\n" + harness.daemonLog());
        url = served.group(1);
    }

    private String scrape() throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        try {
            assertEquals(200, connection.getResponseCode());
            try (InputStream body = connection.getInputStream()) {
                return new String(body.readAllBytes(), StandardCharsets.UTF_8);
            }
        } finally {
            connection.disconnect();
        }
    }

    /** The value of one sample, e.g. {@code cortado_pods{state="ready",}}; fails if absent. */
    private static double sample(String text, String name, String labels) {
        String selector = labels.isEmpty() ? "" : "\\{" + Pattern.quote(labels) + ",?\\}";
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + selector + " (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        assertTrue(m.find(), name + "{" + labels + "} is missing from:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void countsPodsContainersShimsCallsAndPulls() throws Exception {
        harness.runtime().version(VersionRequest.getDefaultInstance());
        PodFixture.Pod pod = pods.startPod("metrics");
        String id = pods.run(pod, "main", busybox.reference(), "sleep", "60");
        pods.awaitState(id, ContainerState.CONTAINER_RUNNING, Duration.ofSeconds(10));

        String text = scrape();
        assertEquals(1, sample(text, "cortado_pods", "state=\"ready\""));
        assertEquals(1, sample(text, "cortado_containers", "state=\"running\""));
        assertEquals(1, sample(text, "cortado_shims", "kind=\"container\""));
        assertTrue(sample(text, "cortado_cri_request_duration_seconds_count",
                "service=\"RuntimeService\",method=\"Version\",code=\"OK\"") >= 1);
        assertEquals(1, sample(text, "cortado_cri_request_duration_seconds_count",
                "service=\"RuntimeService\",method=\"RunPodSandbox\",code=\"OK\""));
        assertEquals(1, sample(text, "cortado_image_pulls_total", "result=\"success\""));
        assertTrue(sample(text, "cortado_image_pull_bytes_total", "") > 0, "no pulled bytes counted");
        assertEquals(1, sample(text, "cortado_image_pull_duration_seconds_count", "result=\"success\""));

        pods.stop(id, 0);
        pods.remove(id);
        String after = scrape();
        assertEquals(0, sample(after, "cortado_containers", "state=\"running\""));
        assertEquals(0, sample(after, "cortado_shims", "kind=\"container\""));
        assertTrue(sample(after, "cortado_cri_request_duration_seconds_count",
                "service=\"RuntimeService\",method=\"RemoveContainer\",code=\"OK\"") >= 1);
    }
}
