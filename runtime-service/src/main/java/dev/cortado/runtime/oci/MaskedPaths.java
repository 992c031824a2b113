package dev.cortado.runtime.oci;

import java.util.List;

/**
 * The paths hidden from and the paths made read-only for an unprivileged container: the kubelet's
 * defaults (kept in step with Docker's and containerd's), used when the security context gives
 * none of its own.
 */
public final class MaskedPaths {

    public static final List<String> DEFAULT_MASKED = List.of(
            "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");

    public static final List<String> DEFAULT_READONLY = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    private MaskedPaths() {
    }

    /** The request's list when it has one (checked), else the default. */
    public static List<String> choose(List<String> requested, List<String> defaults, String field) {
        return choose(requested, defaults, field, false);
    }

    /**
     * The paths to mask or make read-only.
     *
     * @param exactly the request comes with a security context, as every kubelet request does:
     *                its list is taken as sent, so that the empty lists the kubelet sends for
     *                procMount Unmasked unmask /proc. A request without one (crictl, tests) gets
     *                the defaults, as containerd gives them.
     */
    public static List<String> choose(List<String> requested, List<String> defaults, String field, boolean exactly) {
        if (requested.isEmpty() && !exactly) {
            return defaults;
        }
        for (int i = 0; i < requested.size(); i++) {
            InvalidField.absolutePath(field + "[" + i + "]", requested.get(i));
        }
        return List.copyOf(requested);
    }
}
