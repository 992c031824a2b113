package dev.cortado.runtime.oci;

/**
 * One device-cgroup rule as config.json's {@code linux.resources.devices} writes it; the cgroup
 * manager (issue 4) applies them to the devices controller or as the eBPF device filter.
 *
 * @param type   "c", "b" or "a" (all)
 * @param major  -1 for any
 * @param minor  -1 for any
 * @param access some of "rwm"
 */
public record DeviceRule(boolean allow, String type, long major, long minor, String access) {

    public static DeviceRule denyAll() {
        return new DeviceRule(false, "a", -1, -1, "rwm");
    }
}
