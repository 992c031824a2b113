package dev.cortado.runtime.seccomp;

import dev.cortado.runtime.oci.LinuxCapability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in RuntimeDefault profile: the syscall set Docker and containerd allow by default.
 * Everything else fails with EPERM. Syscalls that need a capability anyway (mount, unshare,
 * reboot, ...) are allowed only when the container's bounding set holds it, so adding
 * CAP_SYS_ADMIN also opens the namespace and mount calls, as it does with containerd.
 */
public final class RuntimeDefaultProfile {

    private static final String ALLOWED = "runtime-default-allowed.txt";
    /** AF_VSOCK: sockets to the hypervisor stay closed. */
    private static final long AF_VSOCK = 40;
    /** PER_LINUX, PER_LINUX32, UNAME26, PER_LINUX32|UNAME26, and the query 0xffffffff. */
    private static final long[] PERSONALITIES = {0x0, 0x8, 0x20000, 0x20008, 0xffff_ffffL};
    /** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET. */
    private static final long CLONE_NAMESPACE_FLAGS = 0x7E02_0000L;
    private static final int ENOSYS = 38;

    private static final Map<LinuxCapability, List<String>> WITH_CAPABILITY = capabilityRules();

    private final List<String> allowed;

    private RuntimeDefaultProfile(List<String> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    public static RuntimeDefaultProfile load() {
        return new RuntimeDefaultProfile(readAllowed());
    }

    /** The profile for a container whose bounding capability set is {@code bounding}. */
    public SeccompProfile forCapabilities(long bounding) {
        List<SyscallRule> rules = new ArrayList<>();
        rules.add(SyscallRule.of(SeccompAction.ALLOW, allowed));
        rules.add(new SyscallRule(List.of("socket"), SeccompAction.ALLOW,
                List.of(ArgCondition.of(0, CompareOp.NE, AF_VSOCK))));
        for (long persona : PERSONALITIES) {
            rules.add(new SyscallRule(List.of("personality"), SeccompAction.ALLOW,
                    List.of(ArgCondition.of(0, CompareOp.EQ, persona))));
        }
        WITH_CAPABILITY.forEach((cap, names) -> {
            if ((bounding & cap.bit()) != 0) {
                rules.add(SyscallRule.of(SeccompAction.ALLOW, names));
            }
        });
        if ((bounding & LinuxCapability.SYS_ADMIN.bit()) == 0) {
            // threads and forks yes, new namespaces no; clone3 hides its flags in memory a filter
            // cannot read, so it answers ENOSYS and the C library falls back to clone
            rules.add(new SyscallRule(List.of("clone"), SeccompAction.ALLOW,
                    List.of(new ArgCondition(0, CompareOp.MASKED_EQ, CLONE_NAMESPACE_FLAGS, 0))));
            rules.add(SyscallRule.of(SeccompAction.errno(ENOSYS), List.of("clone3")));
        }
        return new SeccompProfile(SeccompAction.errno(SeccompAction.EPERM),
                EnumSet.allOf(SeccompArch.class), rules, 0);
    }

    private static Map<LinuxCapability, List<String>> capabilityRules() {
        Map<LinuxCapability, List<String>> rules = new LinkedHashMap<>();
        rules.put(LinuxCapability.DAC_READ_SEARCH, List.of("open_by_handle_at"));
        rules.put(LinuxCapability.SYS_ADMIN, List.of("bpf", "clone", "clone3", "fanotify_init", "fsconfig",
                "fsmount", "fsopen", "fspick", "lookup_dcookie", "mount", "mount_setattr", "move_mount",
                "open_tree", "perf_event_open", "quotactl", "quotactl_fd", "setdomainname", "sethostname",
                "setns", "syslog", "umount", "umount2", "unshare"));
        rules.put(LinuxCapability.SYS_BOOT, List.of("reboot"));
        rules.put(LinuxCapability.SYS_CHROOT, List.of("chroot"));
        rules.put(LinuxCapability.SYS_MODULE, List.of("delete_module", "init_module", "finit_module"));
        rules.put(LinuxCapability.SYS_PACCT, List.of("acct"));
        rules.put(LinuxCapability.SYS_PTRACE, List.of("kcmp", "pidfd_getfd", "process_madvise"));
        rules.put(LinuxCapability.SYS_RAWIO, List.of("iopl", "ioperm"));
        rules.put(LinuxCapability.SYS_TIME, List.of("settimeofday", "stime", "clock_settime", "clock_settime64"));
        rules.put(LinuxCapability.SYS_TTY_CONFIG, List.of("vhangup"));
        rules.put(LinuxCapability.SYS_NICE, List.of("get_mempolicy", "mbind", "set_mempolicy",
                "set_mempolicy_home_node"));
        rules.put(LinuxCapability.SYSLOG, List.of("syslog"));
        rules.put(LinuxCapability.BPF, List.of("bpf"));
        rules.put(LinuxCapability.PERFMON, List.of("perf_event_open"));
        return Collections.unmodifiableMap(rules);
    }

    private static List<String> readAllowed() {
        List<String> names = new ArrayList<>();
        try (InputStream in = RuntimeDefaultProfile.class.getResourceAsStream(ALLOWED)) {
            if (in == null) {
                throw new IllegalStateException("the RuntimeDefault seccomp list " + ALLOWED + " is missing");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    names.addAll(Arrays.asList(line.trim().split("\\s+")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + ALLOWED, e);
        }
        return names;
    }
}
