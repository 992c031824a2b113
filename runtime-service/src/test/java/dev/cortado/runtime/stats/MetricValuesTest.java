package dev.cortado.runtime.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cortado.cri.v1.Metric;
import dev.cortado.cri.v1.MetricDescriptor;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricValuesTest {

    @Test
    void everyMetricCarriesAValueForEachLabelKeyOfItsDescriptor() {
        MetricValues values = new MetricValues(List.of("app", "/pod/c", "busybox", "c1", "default", "pod"), 7);
        values.addCgroup(new CgroupSample(7, 3_500_000_000L, 100L, 80L, 60L, 20L, 5L, 1L, null, 0L, 0L, 0L, null,
                2L, 1024L, null, 100_000L));
        values.addNetwork(List.of(new InterfaceCounters("eth0", 1, 2, 3, 4, 5, 6, 7, 8)));
        Set<String> names = new HashSet<>();
        for (Metric metric : values.metrics()) {
            MetricDescriptor descriptor = CadvisorMetric.descriptors().stream()
                    .filter(d -> d.getName().equals(metric.getName())).findFirst().orElseThrow();
            assertEquals(descriptor.getLabelKeysCount(), metric.getLabelValuesCount(), metric.getName());
            assertEquals(7, metric.getTimestamp());
            names.add(metric.getName());
        }
        assertTrue(names.contains("container_network_receive_bytes_total"));
        assertTrue(!names.contains("container_spec_cpu_quota"), "no quota, no metric");
        Metric cpu = values.metrics().stream().filter(m -> m.getName().equals("container_cpu_usage_seconds_total"))
                .findFirst().orElseThrow();
        assertEquals(3, cpu.getValue().getValue(), "whole seconds");
        assertEquals("total", cpu.getLabelValues(6));
        Metric limit = values.metrics().stream().filter(m -> m.getName().equals("container_spec_memory_limit_bytes"))
                .findFirst().orElseThrow();
        assertEquals(0, limit.getValue().getValue(), "no limit reads 0, as in cAdvisor");
    }

    @Test
    void wrongLabelCountsAreProgrammingErrors() {
        assertThrows(IllegalArgumentException.class, () -> new MetricValues(List.of("a"), 1));
        MetricValues values = new MetricValues(List.of("", "", "", "", "", ""), 1);
        assertThrows(IllegalArgumentException.class, () -> values.add(CadvisorMetric.CPU_USAGE, 1L));
    }
}
