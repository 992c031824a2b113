package dev.cortado.runtime.oci;

import dev.cortado.cri.v1.ContainerConfig;
import dev.cortado.cri.v1.KeyValue;
import dev.cortado.cri.v1.LinuxContainerSecurityContext;
import dev.cortado.cri.v1.NamespaceMode;
import dev.cortado.image.manifest.ExecutionConfig;
import dev.cortado.rpc.CriException;
import dev.cortado.runtime.seccomp.ContainerSeccomp;
import dev.cortado.runtime.seccomp.SeccompFilter;
import dev.cortado.shim.plan.InitPlan;
import io.grpc.Status;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Decides how a container runs from its CRI config, its pod, its image and the node, and writes
 * that down as config.json and as the shim's init plan.
 *
 * <p>Bad input is refused with an {@link IllegalArgumentException} naming the field
 * ("linux.resources.cpu_shares: -5 is negative"), which the RPC layer turns into
 * INVALID_ARGUMENT; what this runtime does not do yet is refused with UNIMPLEMENTED, and a host
 * that is not set up for a mount's propagation with FAILED_PRECONDITION (both
 * {@link CriException}s).
 *
 * <p>Rlimits are empty; {@link ResourceLimits} is checked here and written to config.json, and the
 * container manager writes it into the cgroups (dev.cortado.runtime.resources). AppArmor and
 * SELinux: see {@link SecurityModuleRequest}; seccomp: see {@link ContainerSeccomp}.
 */
public final class SpecBuilder {

    private static final String CONTEXT = UserRequest.CONTEXT;

    /** Where a privileged container's devices come from. */
    private static final Path HOST_DEV = Path.of("/dev");
    private static final Logger LOG = Logger.getLogger(SpecBuilder.class.getName());

    private final HostFacts host;
    private final ContainerSeccomp seccomp = ContainerSeccomp.standard();
    private final SecurityModules securityModules;

    public SpecBuilder(HostFacts host) {
        this(host, SecurityModules.detect());
    }

    public SpecBuilder(HostFacts host, SecurityModules securityModules) {
        this.host = host;
        this.securityModules = securityModules;
    }

    public BuiltSpec build(ContainerRequest request) throws IOException {
        ContainerSpec spec = describe(request);
        return new BuiltSpec(OciConfigJson.render(spec), spec.toInitPlan(), spec);
    }

    public ContainerSpec describe(ContainerRequest request) throws IOException {
        ContainerConfig config = request.config();
        LinuxContainerSecurityContext security = config.getLinux().getSecurityContext();
        refuseUnsupported(config, security);
        boolean privileged = security.getPrivileged();
        if (privileged && !request.sandboxConfig().getLinux().getSecurityContext().getPrivileged()) {
            // the kubelet marks the pod privileged when any of its containers is; containerd refuses the rest too
            throw InvalidField.of(CONTEXT + "privileged", "a privileged container needs a privileged pod, and pod "
                    + request.sandboxId() + " was not created with linux.security_context.privileged");
        }
        if (SecurityModuleRequest.check(security, securityModules)) {
            LOG.fine(() -> "container " + request.containerId() + ": SELinux options "
                    + security.getSelinuxOptions().toString().replace('\n', ' ') + " accepted but not applied ("
                    + (securityModules.seLinux() ? "cortado sets no SELinux labels" : "SELinux is not enabled") + ")");
        }
        Map<String, String> sysctls = NamespacedSysctls.of(request.sandboxConfig());

        List<String> args = CommandLine.resolve(config.getCommandList(), config.getArgsList(), request.image());
        ResolvedUser user = new UserResolver(new RootfsPath(request.rootfs()))
                .resolve(UserRequest.of(security, request.image().user()));
        String hostname = request.sandboxConfig().getHostname().isEmpty()
                ? host.nodeHostname() : request.sandboxConfig().getHostname();
        List<String> env = environment(config, request.image(), hostname, user);
        String cwd = workingDir(config, request.image());
        InitPlan.Capabilities capabilities =
                Capabilities.forContainerWithin(security.getCapabilities(), user.uid(), host.allCapabilities(),
                        privileged);
        long withheld = capabilities.bounding() & ~host.daemonBounding();
        if (withheld != 0) {
            throw new CriException(Status.Code.FAILED_PRECONDITION, CONTEXT + "capabilities: "
                    + String.join(", ", Capabilities.names(withheld)) + " is not in the daemon's bounding set on this"
                    + " node, so no container here can have it");
        }
        SeccompFilter filter = seccomp.forContainer(security, capabilities.bounding()).orElse(null);
        ResourceLimits resources = config.getLinux().hasResources()
                ? ResourceLimits.from(config.getLinux().getResources()) : ResourceLimits.NONE;
        // lowering oom_score_adj below the daemon's needs CAP_SYS_RESOURCE; without it, clamp instead of failing
        int oomScoreAdj = host.canLowerOomScoreAdj() ? resources.oomScoreAdj()
                : Math.max(resources.oomScoreAdj(), host.daemonOomScoreAdj());

        ResolvedMounts binds = new MountResolver(host.mountInfo())
                .resolve(config.getMountsList(), request.podFiles(), security.getReadonlyRootfs());
        List<DeviceResolver.ContainerDevice> devices = DeviceResolver.resolve(config.getDevicesList());
        List<DeviceRule> rules = new ArrayList<>();
        if (privileged && !binds.destinations().contains(DefaultMounts.DEV)) {
            devices = PrivilegedDevices.withHostDevices(HostDevices.list(HOST_DEV), devices);
        }
        if (privileged) {
            rules.add(new DeviceRule(true, "a", -1, -1, "rwm"));
        } else {
            rules.addAll(DefaultDevices.cgroupRules());
            devices.forEach(d -> rules.add(d.rule()));
        }
        MountLayout layout = MountLayout.of(binds, request.cgroups(), devices, privileged);

        boolean kubeletLists = config.getLinux().hasSecurityContext();
        List<String> masked = privileged ? List.of() : MaskedPaths.choose(security.getMaskedPathsList(),
                MaskedPaths.DEFAULT_MASKED, CONTEXT + "masked_paths", kubeletLists);
        List<String> readonly = privileged ? List.of() : MaskedPaths.choose(security.getReadonlyPathsList(),
                MaskedPaths.DEFAULT_READONLY, CONTEXT + "readonly_paths", kubeletLists);
        String ownHostname = request.namespaces().uts().sharing() == NamespaceSetting.Sharing.NEW ? hostname : null;

        return new ContainerSpec(args, env, cwd, config.getTty(), config.getStdin(), config.getStdinOnce(), user,
                capabilities, security.getNoNewPrivs(), oomScoreAdj, request.rootfs().toString(),
                security.getReadonlyRootfs(), ownHostname, layout.mounts(), layout.planMounts(), layout.devices(),
                masked, readonly, request.namespaces(), request.cgroups(), binds.rootPropagation(), resources, rules,
                CriAnnotations.of(request), privileged, sysctls, filter);
    }

    private static void refuseUnsupported(ContainerConfig config, LinuxContainerSecurityContext security) {
        if (security.getNamespaceOptions().hasUsernsOptions()
                && security.getNamespaceOptions().getUsernsOptions().getMode() != NamespaceMode.NODE) {
            throw new CriException(Status.Code.UNIMPLEMENTED,
                    CONTEXT + "namespace_options.userns_options: user namespaces are not supported");
        }
        if (config.getCDIDevicesCount() > 0) {
            throw new CriException(Status.Code.UNIMPLEMENTED, "CDI_devices: CDI devices are not supported");
        }
    }

    /** containerd's order: default PATH, TERM for a tty, HOSTNAME, the image's Env, the container's envs. */
    private static List<String> environment(ContainerConfig config, ExecutionConfig image, String hostname,
                                            ResolvedUser user) {
        Environment env = new Environment().set("PATH", Environment.DEFAULT_PATH);
        if (config.getTty()) {
            env.set("TERM", "xterm");
        }
        env.set("HOSTNAME", hostname);
        env.addImageEntries(image.env());
        List<KeyValue> envs = config.getEnvsList();
        for (int i = 0; i < envs.size(); i++) {
            env.addContainerEntry(i, envs.get(i).getKey(), envs.get(i).getValue().toStringUtf8());
        }
        // runc's init does this from the user's passwd entry; ours resolves nothing, so it is done here
        env.setIfAbsent("HOME", user.home());
        return env.entries();
    }

    private static String workingDir(ContainerConfig config, ExecutionConfig image) {
        if (!config.getWorkingDir().isEmpty()) {
            return InvalidField.absolutePath("working_dir", config.getWorkingDir());
        }
        String fromImage = image.workingDir();
        if (fromImage == null || fromImage.isEmpty()) {
            return "/";
        }
        InvalidField.noNul("image config WorkingDir", fromImage);
        return fromImage.startsWith("/") ? fromImage : "/" + fromImage;
    }
}
