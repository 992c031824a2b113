package dev.cortado.runtime.cgroup;

import dev.cortado.runtime.oci.DeviceRule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * Writes a container's device rules into the cgroup v1 devices controller, before any process
 * joins the cgroup: without them a container with CAP_MKNOD could make and open any node of the
 * host (a disk, /dev/mem). The kernel applies the rules in order, each a whole-line write of
 * {@code devices.allow} or {@code devices.deny}. On a cgroup v2-only node the controller is an
 * eBPF program, which cortado does not attach yet: there the rules are only in config.json.
 */
public final class DeviceAccess {

    private DeviceAccess() {
    }

    /** @return whether the rules were applied (false: no v1 devices hierarchy) */
    public static boolean apply(Cgroup cgroup, CgroupLayout layout, List<DeviceRule> rules) throws IOException {
        Optional<Hierarchy> devices = layout.legacy().stream().filter(h -> h.has("devices")).findFirst();
        if (devices.isEmpty()) {
            return false;
        }
        Path dir = cgroup.directory(devices.get());
        for (DeviceRule rule : rules) {
            Path file = dir.resolve(rule.allow() ? "devices.allow" : "devices.deny");
            try {
                Files.write(file, line(rule).getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new IOException("cannot write device rule \"" + line(rule) + "\" to " + file + ": "
                        + e.getMessage(), e);
            }
        }
        return true;
    }

    /** "c 1:3 rwm", "a *:* rwm", with * for any major or minor. */
    static String line(DeviceRule rule) {
        return rule.type() + " " + number(rule.major()) + ":" + number(rule.minor()) + " " + rule.access();
    }

    private static String number(long n) {
        return n < 0 ? "*" : Long.toString(n);
    }
}
