package dev.cortado.runtime.metrics;

import dev.cortado.image.pull.PullObserver;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Histogram;

/** Image pulls: how many, how they ended, how long they took and how much they brought in. */
public final class PullMetrics implements PullObserver {

    private final Counter pulls;
    private final Counter bytes;
    private final Histogram seconds;

    public PullMetrics(CollectorRegistry registry) {
        pulls = Counter.build("cortado_image_pulls_total", "Image pulls, by result (success or failure).")
                .labelNames("result").register(registry);
        bytes = Counter.build("cortado_image_pull_bytes_total",
                "Compressed size of the layers of successfully pulled images.").register(registry);
        seconds = Histogram.build("cortado_image_pull_duration_seconds",
                        "Time a pull took from its start to the image being usable (or the failure), by result.")
                .labelNames("result")
                .buckets(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)
                .register(registry);
        pulls.labels("success");
        pulls.labels("failure");
    }

    @Override
    public void finished(long layerBytes, double duration) {
        pulls.labels("success").inc();
        bytes.inc(layerBytes);
        seconds.labels("success").observe(duration);
    }

    @Override
    public void failed(double duration) {
        pulls.labels("failure").inc();
        seconds.labels("failure").observe(duration);
    }
}
