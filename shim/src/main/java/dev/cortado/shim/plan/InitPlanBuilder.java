package dev.cortado.shim.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an {@link InitPlan} field by field. Defaults: no namespaces, no mounts, root (0:0) with
 * no supplementary groups, capability sets and oom_score_adj inherited (null), no seccomp.
 */
public final class InitPlanBuilder {
    private final List<String> args = new ArrayList<>();
    private final List<String> env = new ArrayList<>();
    private String cwd;
    private String hostname;
    private String rootfs;
    private boolean rootfsReadonly;
    private boolean noPivot;
    private int newNamespaces;
    private final List<InitPlan.NamespaceJoin> joins = new ArrayList<>();
    private final List<InitPlan.MountSpec> mounts = new ArrayList<>();
    private final List<String> maskedPaths = new ArrayList<>();
    private final List<String> readonlyPaths = new ArrayList<>();
    private final List<InitPlan.DeviceNode> devices = new ArrayList<>();
    private final Map<String, String> sysctls = new LinkedHashMap<>();
    private final List<InitPlan.Rlimit> rlimits = new ArrayList<>();
    private int uid;
    private int gid;
    private final List<Integer> groups = new ArrayList<>();
    private InitPlan.Capabilities capabilities;
    private boolean noNewPrivileges;
    private InitPlan.Seccomp seccomp;
    private Integer oomScoreAdj;
    private final List<String> cgroupProcs = new ArrayList<>();
    private boolean tty;
    private boolean stdin;
    private boolean stdinOnce;
    private boolean pause;
    private int logMaxLine;

    public InitPlanBuilder() {
    }

    /** A builder holding everything {@code plan} holds, to derive a variant (an exec plan). */
    public static InitPlanBuilder from(InitPlan plan) {
        InitPlanBuilder b = new InitPlanBuilder();
        b.args.addAll(plan.args());
        b.env.addAll(plan.env());
        b.cwd = plan.cwd();
        b.hostname = plan.hostname();
        b.rootfs = plan.rootfs();
        b.rootfsReadonly = plan.rootfsReadonly();
        b.noPivot = plan.noPivot();
        b.newNamespaces = plan.newNamespaces();
        b.joins.addAll(plan.joins());
        b.mounts.addAll(plan.mounts());
        b.maskedPaths.addAll(plan.maskedPaths());
        b.readonlyPaths.addAll(plan.readonlyPaths());
        b.devices.addAll(plan.devices());
        b.sysctls.putAll(plan.sysctls());
        b.rlimits.addAll(plan.rlimits());
        b.uid = plan.uid();
        b.gid = plan.gid();
        b.groups.addAll(plan.groups());
        b.capabilities = plan.capabilities();
        b.noNewPrivileges = plan.noNewPrivileges();
        b.seccomp = plan.seccomp();
        b.oomScoreAdj = plan.oomScoreAdj();
        b.cgroupProcs.addAll(plan.cgroupProcs());
        b.tty = plan.tty();
        b.stdin = plan.stdin();
        b.stdinOnce = plan.stdinOnce();
        b.pause = plan.pause();
        b.logMaxLine = plan.logMaxLine();
        return b;
    }

    /** Replaces argv. */
    public InitPlanBuilder args(String... argv) {
        args.clear();
        args.addAll(Arrays.asList(argv));
        return this;
    }

    /** Replaces argv. */
    public InitPlanBuilder args(List<String> argv) {
        args.clear();
        args.addAll(argv);
        return this;
    }

    /** Adds one {@code K=V} entry. */
    public InitPlanBuilder env(String entry) {
        env.add(entry);
        return this;
    }

    /** Replaces the environment. */
    public InitPlanBuilder env(List<String> entries) {
        env.clear();
        env.addAll(entries);
        return this;
    }

    public InitPlanBuilder cwd(String dir) {
        cwd = dir;
        return this;
    }

    public InitPlanBuilder hostname(String name) {
        hostname = name;
        return this;
    }

    public InitPlanBuilder rootfs(String hostPath) {
        rootfs = hostPath;
        return this;
    }

    public InitPlanBuilder rootfsReadonly(boolean readonly) {
        rootfsReadonly = readonly;
        return this;
    }

    public InitPlanBuilder noPivot(boolean value) {
        noPivot = value;
        return this;
    }

    /** Sets the CLONE_NEW* bits of the namespaces the clone creates. */
    public InitPlanBuilder newNamespaces(int cloneFlags) {
        newNamespaces = cloneFlags;
        return this;
    }

    /** Adds a namespace to enter before the clone. */
    public InitPlanBuilder join(int cloneFlag, String path) {
        joins.add(new InitPlan.NamespaceJoin(cloneFlag, path));
        return this;
    }

    public InitPlanBuilder mount(InitPlan.MountSpec mount) {
        mounts.add(mount);
        return this;
    }

    /** Adds a directory mount with no propagation change. */
    public InitPlanBuilder mount(String source, String target, String fsType, long flags, String data) {
        return mount(new InitPlan.MountSpec(source, target, fsType, flags, data, 0, InitPlan.MountSpec.DIRECTORY));
    }

    /** Adds a symlink {@code link -> text} made with the mounts. */
    public InitPlanBuilder symlink(String text, String link) {
        return mount(new InitPlan.MountSpec(text, link, "", 0, "", 0, InitPlan.MountSpec.SYMLINK));
    }

    public InitPlanBuilder mask(String path) {
        maskedPaths.add(path);
        return this;
    }

    public InitPlanBuilder readonly(String path) {
        readonlyPaths.add(path);
        return this;
    }

    public InitPlanBuilder device(InitPlan.DeviceNode device) {
        devices.add(device);
        return this;
    }

    public InitPlanBuilder sysctl(String key, String value) {
        sysctls.put(key, value);
        return this;
    }

    public InitPlanBuilder rlimit(int resource, long soft, long hard) {
        rlimits.add(new InitPlan.Rlimit(resource, soft, hard));
        return this;
    }

    public InitPlanBuilder user(int userId, int groupId) {
        uid = userId;
        gid = groupId;
        return this;
    }

    /** Replaces the supplementary groups. */
    public InitPlanBuilder groups(List<Integer> groupIds) {
        groups.clear();
        groups.addAll(groupIds);
        return this;
    }

    public InitPlanBuilder capabilities(InitPlan.Capabilities sets) {
        capabilities = sets;
        return this;
    }

    public InitPlanBuilder noNewPrivileges(boolean value) {
        noNewPrivileges = value;
        return this;
    }

    public InitPlanBuilder seccomp(InitPlan.Seccomp program) {
        seccomp = program;
        return this;
    }

    public InitPlanBuilder oomScoreAdj(Integer adj) {
        oomScoreAdj = adj;
        return this;
    }

    public InitPlanBuilder cgroupProcs(String path) {
        cgroupProcs.add(path);
        return this;
    }

    public InitPlanBuilder tty(boolean value) {
        tty = value;
        return this;
    }

    public InitPlanBuilder stdin(boolean value) {
        stdin = value;
        return this;
    }

    public InitPlanBuilder stdinOnce(boolean value) {
        stdinOnce = value;
        return this;
    }

    public InitPlanBuilder pause(boolean value) {
        pause = value;
        return this;
    }

    public InitPlanBuilder logMaxLine(int bytes) {
        logMaxLine = bytes;
        return this;
    }

    public InitPlan build() {
        return new InitPlan(args, env, cwd, hostname, rootfs, rootfsReadonly, noPivot, newNamespaces, joins, mounts,
                maskedPaths, readonlyPaths, devices, sysctls, rlimits, uid, gid, groups, capabilities, noNewPrivileges,
                seccomp, oomScoreAdj, cgroupProcs, tty, stdin, stdinOnce, pause, logMaxLine);
    }
}
