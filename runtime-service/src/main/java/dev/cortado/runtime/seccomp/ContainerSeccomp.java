package dev.cortado.runtime.seccomp;

import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.SecurityProfile;
import dev.cortado.shim.plan.InitPlan;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Decides a container's seccomp filter from its CRI security context, as containerd does: the
 * structured {@code seccomp} field when the kubelet set it, else the older
 * {@code seccomp_profile_path} string ({@code runtime/default}, {@code docker/default},
 * {@code unconfined}, {@code localhost/<absolute path>}; empty means unconfined). A privileged
 * container runs without a filter whatever it asked for.
 */
public final class ContainerSeccomp {

    static final String FIELD = "linux.security_context.seccomp";
    static final String PATH_FIELD = "linux.security_context.seccomp_profile_path";
    private static final String LOCALHOST_PREFIX = "localhost/";

    private final FilterCompiler compiler;
    private final RuntimeDefaultProfile runtimeDefault;
    private final LocalhostProfile localhost;

    public ContainerSeccomp(FilterCompiler compiler, RuntimeDefaultProfile runtimeDefault, LocalhostProfile localhost) {
        this.compiler = compiler;
        this.runtimeDefault = runtimeDefault;
        this.localhost = localhost;
    }

    /** With the tables and profile shipped in the runtime, for the kernel this runs on. */
    public static ContainerSeccomp standard() {
        return new ContainerSeccomp(new FilterCompiler(SyscallTable.load()), RuntimeDefaultProfile.load(),
                new LocalhostProfile(KernelVersion.running()));
    }

    /**
     * The filter for a container whose bounding capability set is {@code bounding}; empty when it
     * runs unconfined. Bad input is an {@link IllegalArgumentException} naming the field.
     */
    public Optional<SeccompFilter> forContainer(LinuxContainerSecurityContext security, long bounding) {
        if (security.getPrivileged()) {
            return Optional.empty();
        }
        return choose(security).map(choice -> compile(choice, bounding, security.getNoNewPrivs()));
    }

    /** The profile asked for, empty for unconfined. */
    Optional<Choice> choose(LinuxContainerSecurityContext security) {
        if (security.hasSeccomp()) {
            SecurityProfile profile = security.getSeccomp();
            return switch (profile.getProfileType()) {
                case RuntimeDefault -> Optional.of(Choice.runtimeDefault(FIELD + ".profile_type"));
                case Unconfined -> Optional.empty();
                case Localhost -> Optional.of(Choice.localhost(FIELD + ".localhost_ref", profile.getLocalhostRef()));
                default -> throw new IllegalArgumentException(FIELD + ".profile_type: unknown profile type "
                        + profile.getProfileTypeValue());
            };
        }
        String path = security.getSeccompProfilePath();
        return switch (path) {
            case "", "unconfined" -> Optional.empty();
            case "runtime/default", "docker/default" -> Optional.of(Choice.runtimeDefault(PATH_FIELD));
            default -> {
                if (!path.startsWith(LOCALHOST_PREFIX)) {
                    throw new IllegalArgumentException(PATH_FIELD + ": \"" + path + "\" is not a seccomp profile"
                            + " (runtime/default, docker/default, unconfined or localhost/<absolute path>)");
                }
                yield Optional.of(Choice.localhost(PATH_FIELD, path.substring(LOCALHOST_PREFIX.length())));
            }
        };
    }

    private SeccompFilter compile(Choice choice, long bounding, boolean noNewPrivs) {
        try {
            SeccompProfile profile = choice.localhost() == null
                    ? runtimeDefault.forCapabilities(bounding) : localhost.read(choice.localhost(), bounding);
            List<String> denied = noNewPrivs ? List.of() : InitSyscalls.denied(profile);
            if (!denied.isEmpty()) {
                String which = choice.localhost() == null ? "RuntimeDefault" : "the profile " + choice.localhost();
                throw new IllegalArgumentException(which + " denies " + String.join(", ", denied)
                        + ", which the container's init still needs after loading it: without no_new_privs the"
                        + " filter is loaded before the init drops its user and capabilities; allow "
                        + String.join(", ", InitSyscalls.AFTER_EARLY_LOAD) + ", or set no_new_privs");
            }
            return new SeccompFilter(profile, new InitPlan.Seccomp(profile.flags(), compiler.compile(profile)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(choice.field() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A profile to load.
     *
     * @param field     the CRI field it came from, for messages
     * @param localhost the node file, or null for RuntimeDefault
     */
    record Choice(String field, Path localhost) {

        static Choice runtimeDefault(String field) {
            return new Choice(field, null);
        }

        static Choice localhost(String field, String path) {
            if (path.isEmpty() || !path.startsWith("/") || path.indexOf('\0') >= 0) {
                throw new IllegalArgumentException(field + ": \"" + path
                        + "\" is not an absolute path to a seccomp profile on the node");
            }
            return new Choice(field, Path.of(path));
        }
    }
}
