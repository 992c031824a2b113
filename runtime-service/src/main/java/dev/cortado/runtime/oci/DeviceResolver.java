package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.Device;
import dev.cortado.linux.DeviceNumbers;
import dev.cortado.shim.plan.InitPlan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CRI devices (host device nodes the kubelet or a device plugin hands to a container): each
 * becomes a node made in the container's /dev with the host node's numbers and permissions, and
 * a device-cgroup rule with the requested access.
 */
public final class DeviceResolver {

    private static final int S_IFMT = 0170000;

    private DeviceResolver() {
    }

    /** A device as the container gets it. */
    public record ContainerDevice(InitPlan.DeviceNode node, DeviceRule rule) {
    }

    public static List<ContainerDevice> resolve(List<Device> devices) throws IOException {
        List<ContainerDevice> out = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) {
            Device device = devices.get(i);
            String field = "devices[" + i + "]";
            String target = MountResolver.containerPath(field + ".container_path", device.getContainerPath());
            InvalidField.absolutePath(field + ".host_path", device.getHostPath());
            Path host = Path.of(device.getHostPath());
            if (!Files.exists(host)) {
                throw InvalidField.of(field + ".host_path", device.getHostPath() + " does not exist");
            }
            host = host.toRealPath();
            int mode = (Integer) Files.getAttribute(host, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            int type = mode & S_IFMT;
            if (type != DefaultDevices.S_IFCHR && type != DefaultDevices.S_IFBLK) {
                throw InvalidField.of(field + ".host_path", host + " is not a character or block device");
            }
            long rdev = (Long) Files.getAttribute(host, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
            int major = (int) DeviceNumbers.major(rdev);
            int minor = (int) DeviceNumbers.minor(rdev);
            String access = access(field + ".permissions", device.getPermissions());
            out.add(new ContainerDevice(
                    new InitPlan.DeviceNode(target, type, major, minor, mode & 07777, 0, 0),
                    new DeviceRule(true, type == DefaultDevices.S_IFCHR ? "c" : "b", major, minor, access)));
        }
        return out;
    }

    /** Some of "rwm" (read, write, mknod); empty means all three, as the kubelet's default. */
    private static String access(String field, String permissions) {
        if (permissions.isEmpty()) {
            return "rwm";
        }
        StringBuilder out = new StringBuilder();
        for (char c : new char[] {'r', 'w', 'm'}) {
            if (permissions.indexOf(c) >= 0) {
                out.append(c);
            }
        }
        if (!permissions.chars().allMatch(c -> c == 'r' || c == 'w' || c == 'm')) {
            throw InvalidField.of(field, "\"" + permissions + "\" is not some of \"rwm\"");
        }
        return out.toString();
    }
}
