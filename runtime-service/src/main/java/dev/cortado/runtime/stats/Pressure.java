package dev.cortado.runtime.stats;

import dev.cortado.cri.v1.PsiData;
import dev.cortado.cri.v1.PsiStats;
import dev.cortado.runtime.cgroup.CgroupLayout;
import dev.cortado.runtime.cgroup.Cgroup;
import java.util.Optional;

/**
 * Pressure stall information of a cgroup: the cpu, memory and io.pressure files every cgroup
 * of the unified (v2) tree has, whichever controllers are enabled there. Hosts without a
 * unified tree or without PSI have none.
 */
final class Pressure {

    private final CgroupLayout layout;

    Pressure(CgroupLayout layout) {
        this.layout = layout;
    }

    Optional<PsiStats> cpu(String cgroupPath) {
        return read(cgroupPath, "cpu.pressure");
    }

    Optional<PsiStats> memory(String cgroupPath) {
        return read(cgroupPath, "memory.pressure");
    }

    Optional<PsiStats> io(String cgroupPath) {
        return read(cgroupPath, "io.pressure");
    }

    private Optional<PsiStats> read(String cgroupPath, String file) {
        return layout.unified().flatMap(unified -> parse(CgroupFiles.text(
                new Cgroup(layout, cgroupPath).directory(unified).resolve(file))));
    }

    /**
     * Parses "some avg10=0.00 avg60=0.00 avg300=0.00 total=0" and the "full" line; the kernel
     * counts total in microseconds, the CRI in nanoseconds.
     */
    static Optional<PsiStats> parse(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        PsiStats.Builder stats = PsiStats.newBuilder();
        boolean any = false;
        for (String line : text.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length < 5) {
                continue;
            }
            PsiData.Builder data = PsiData.newBuilder();
            try {
                for (int i = 1; i < fields.length; i++) {
                    int eq = fields[i].indexOf('=');
                    if (eq < 0) {
                        continue;
                    }
                    String key = fields[i].substring(0, eq);
                    String value = fields[i].substring(eq + 1);
                    switch (key) {
                        case "avg10" -> data.setAvg10(Double.parseDouble(value));
                        case "avg60" -> data.setAvg60(Double.parseDouble(value));
                        case "avg300" -> data.setAvg300(Double.parseDouble(value));
                        case "total" -> data.setTotal(Long.parseLong(value) * 1000);
                        default -> {
                            // a field a later kernel adds
                        }
                    }
                }
            } catch (NumberFormatException odd) {
                continue;
            }
            if (fields[0].equals("some")) {
                stats.setSome(data);
                any = true;
            } else if (fields[0].equals("full")) {
                stats.setFull(data);
                any = true;
            }
        }
        return any ? Optional.of(stats.build()) : Optional.empty();
    }
}
