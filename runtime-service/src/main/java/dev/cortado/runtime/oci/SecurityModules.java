package dev.cortado.runtime.oci;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which Linux security modules the node's kernel offers to containers. cortado loads no
 * AppArmor profile and sets no SELinux label itself; this says whether the kernel could, so
 * that a request for one is refused or reported honestly rather than silently dropped.
 *
 * @param appArmor AppArmor is enabled (securityfs shows /sys/kernel/security/apparmor)
 * @param seLinux  SELinux is enabled (selinuxfs is mounted at /sys/fs/selinux)
 */
public record SecurityModules(boolean appArmor, boolean seLinux) {

    public static final SecurityModules NONE = new SecurityModules(false, false);

    public static SecurityModules detect() {
        return new SecurityModules(Files.isDirectory(Path.of("/sys/kernel/security/apparmor")),
                Files.exists(Path.of("/sys/fs/selinux/enforce")));
    }

    /** For Status's verbose info: a small JSON object a person can read. */
    public String describe() {
        return "{\"apparmor\":\"" + state(appArmor) + "\",\"selinux\":\"" + state(seLinux)
                + "\",\"note\":\"cortado applies no AppArmor profile and no SELinux label; a container asking for an"
                + " AppArmor profile other than unconfined is refused, SELinux options are accepted and not applied\"}";
    }

    private static String state(boolean enabled) {
        return enabled ? "enabled in the kernel, not used by cortado" : "unavailable (not enabled in the kernel)";
    }
}
