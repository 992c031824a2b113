package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.SecurityProfile;
import dev.cortado.rpc.CriException;
import io.grpc.Status;

/**
 * Checks a container's AppArmor and SELinux requests against what cortado can do. AppArmor:
 * only unconfined (or nothing) can be honoured, so a profile (RuntimeDefault, Localhost, or the
 * older apparmor_profile strings) is refused with FAILED_PRECONDITION, as containerd refuses a
 * profile on a node without AppArmor: running the container unconfined instead would claim a
 * confinement it does not have. SELinux options are accepted and not applied: on a node without
 * SELinux there is nothing to label with (containerd ignores them there too); Status's verbose
 * info says so.
 */
final class SecurityModuleRequest {

    private static final String FIELD = UserRequest.CONTEXT;

    private SecurityModuleRequest() {
    }

    /** @return true when SELinux options were given (and will not be applied) */
    static boolean check(LinuxContainerSecurityContext security, SecurityModules modules) {
        if (security.hasApparmor()) {
            SecurityProfile profile = security.getApparmor();
            if (profile.getProfileType() != SecurityProfile.ProfileType.Unconfined) {
                String name = profile.getProfileType() == SecurityProfile.ProfileType.Localhost
                        ? "Localhost \"" + profile.getLocalhostRef() + "\"" : profile.getProfileType().toString();
                refuse(FIELD + "apparmor", name, modules);
            }
        } else if (!security.getApparmorProfile().isEmpty() && !security.getApparmorProfile().equals("unconfined")) {
            refuse(FIELD + "apparmor_profile", "\"" + security.getApparmorProfile() + "\"", modules);
        }
        return security.hasSelinuxOptions() && !security.getSelinuxOptions().equals(
                security.getSelinuxOptions().getDefaultInstanceForType());
    }

    private static void refuse(String field, String profile, SecurityModules modules) {
        String why = modules.appArmor()
                ? "cortado does not load AppArmor profiles"
                : "AppArmor is not enabled on this node (no /sys/kernel/security/apparmor)";
        throw new CriException(Status.Code.FAILED_PRECONDITION, field + ": AppArmor profile " + profile
                + " was requested, but " + why + "; only unconfined can be honoured");
    }
}
