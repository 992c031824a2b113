package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.cri.v1.NamespaceOption;
import dev.cortado.cri.v1.PodSandboxConfig;
import dev.cortado.shim.ShimException;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The pod's sysctls (LinuxPodSandboxConfig.sysctls), limited to the ones the kernel keeps per
 * namespace, as the kubelet's and runc's lists do: net.* (network namespace) and kernel.shm*,
 * kernel.msg*, kernel.sem, fs.mqueue.* (IPC namespace). Anything else would change the whole
 * node and is refused; so is a namespaced one when the pod shares that namespace with the node.
 *
 * <p>Keys may use dots or slashes as separators (net/ipv4/ip_forward, as Kubernetes allows);
 * they come out with dots, which is what the init plan's SYSCTL record takes.
 */
public final class NamespacedSysctls {

    private static final String FIELD = "linux.sysctls";
    /** Far above any real sysctl value; keeps a pod config from carrying megabytes into every plan. */
    private static final int MAX_VALUE_LENGTH = 4096;

    private NamespacedSysctls() {
    }

    /** The pod's sysctls, checked, with dotted keys in a stable order. */
    public static Map<String, String> of(PodSandboxConfig pod) {
        NamespaceOption options = pod.getLinux().getSecurityContext().getNamespaceOptions();
        boolean hostNetwork = options.getNetwork() == NamespaceMode.NODE;
        boolean hostIpc = options.getIpc() == NamespaceMode.NODE;
        Map<String, String> checked = new TreeMap<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(pod.getLinux().getSysctlsMap()).entrySet()) {
            String key = dotted(entry.getKey());
            String field = FIELD + "[\"" + entry.getKey() + "\"]";
            Namespace namespace = namespaceOf(key);
            if (namespace == null) {
                throw InvalidField.of(field, "\"" + entry.getKey() + "\" is not a namespaced sysctl (only net.*, "
                        + "kernel.shm*, kernel.msg*, kernel.sem and fs.mqueue.* are, as they do not change the node)");
            }
            if (namespace == Namespace.NET && hostNetwork) {
                throw InvalidField.of(field, "the pod uses the node's network namespace, so \"" + entry.getKey()
                        + "\" would change the node");
            }
            if (namespace == Namespace.IPC && hostIpc) {
                throw InvalidField.of(field, "the pod uses the node's IPC namespace, so \"" + entry.getKey()
                        + "\" would change the node");
            }
            String value = entry.getValue();
            InvalidField.noNul(field, value);
            if (value.length() > MAX_VALUE_LENGTH || value.indexOf('\n') >= 0) {
                throw InvalidField.of(field, "the value is not a single line of at most " + MAX_VALUE_LENGTH
                        + " characters");
            }
            if (checked.put(key, value) != null) {
                throw InvalidField.of(field, "\"" + key + "\" is given twice (with dots and with slashes)");
            }
        }
        return checked;
    }

    /**
     * The message for a container whose init could not write one of the pod's sysctls because
     * the kernel refused the value (EINVAL, ERANGE) or knows no such key (ENOENT):
     * "linux.sysctls[\"net.ipv4.x\"]: the kernel refused the value: Invalid argument". Empty for
     * any other failure.
     */
    public static Optional<String> kernelRefusal(ShimException failure) {
        String step = failure.step();
        String detail = failure.detail();
        if (step == null || !step.startsWith("sysctl ") || detail == null) {
            return Optional.empty();
        }
        String field = FIELD + "[\"" + step.substring("sysctl ".length()) + "\"]: ";
        return switch (detail) {
            case "Invalid argument", "Numerical result out of range" ->
                    Optional.of(field + "the kernel refused the value: " + detail);
            case "No such file or directory" -> Optional.of(field + "this kernel has no such sysctl");
            default -> Optional.empty();
        };
    }

    private enum Namespace { NET, IPC }

    private static Namespace namespaceOf(String key) {
        if (key.startsWith("net.")) {
            return Namespace.NET;
        }
        if (key.startsWith("kernel.shm") || key.startsWith("kernel.msg") || key.equals("kernel.sem")
                || key.startsWith("fs.mqueue.")) {
            return Namespace.IPC;
        }
        return null;
    }

    /**
     * Kubernetes' rule for slash-separated names: the first separator decides; with slashes,
     * dots and slashes swap (an interface name "eth0.100" stays one component). Every component
     * must be a plain name: no empty one, no "." or "..", nothing that could leave /proc/sys.
     */
    static String dotted(String key) {
        InvalidField.noNul(FIELD, key);
        int dot = key.indexOf('.');
        int slash = key.indexOf('/');
        String dotted = key;
        if (slash >= 0 && (dot < 0 || slash < dot)) {
            StringBuilder swapped = new StringBuilder(key.length());
            for (char c : key.toCharArray()) {
                swapped.append(c == '/' ? '.' : c == '.' ? '/' : c);
            }
            dotted = swapped.toString();
        }
        for (String component : dotted.split("\\.", -1)) {
            if (component.isEmpty() || component.equals("..") || component.contains("/")
                    || !component.chars().allMatch(c -> c > ' ' && c < 0x7f)) {
                throw InvalidField.of(FIELD + "[\"" + key + "\"]", "\"" + key + "\" is not a sysctl name");
            }
        }
        return dotted;
    }
}
