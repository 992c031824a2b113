package dev.cortado.shim;

import dev.cortado.shim.plan.InitPlan;
import dev.cortado.shim.plan.InitPlanBuilder;
import dev.cortado.shim.plan.InitPlanWriter;
import dev.cortado.shim.plan.MountFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One test's containers: a private directory under /tmp (short, for socket paths), a busybox
 * rootfs, and every shim and init started, all killed, unmounted and deleted on close.
 */
final class ShimSandbox implements AutoCloseable {
    static final String HOSTNAME = "shimtest";
    static final int CONTAINER_NAMESPACES = InitPlan.CLONE_NEWNS | InitPlan.CLONE_NEWPID | InitPlan.CLONE_NEWUTS
            | InitPlan.CLONE_NEWIPC | InitPlan.CLONE_NEWNET;
    private static final int S_IFCHR = 0020000;

    private final Path binary;
    private final Path dir;
    private final TestRootfs rootfs;
    /** Captured at create: a ProcessHandle knows its start time, so a reused pid is never killed. */
    private final List<ProcessHandle> processes = new ArrayList<>();
    /** Every bundle a create was tried in: a create that failed half-way may still have left a shim. */
    private final List<Path> bundles = new ArrayList<>();
    private final InitPlanWriter writer = new InitPlanWriter();

    private ShimSandbox(Path binary, Path dir, TestRootfs rootfs) {
        this.binary = binary;
        this.dir = dir;
        this.rootfs = rootfs;
    }

    static ShimSandbox open() throws IOException {
        Path binary = ShimBinary.require();
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "shimj");
        try {
            return new ShimSandbox(binary, dir, TestRootfs.build(dir.resolve("rootfs")));
        } catch (IOException | RuntimeException e) {
            TestRootfs.deleteTree(dir);
            throw e;
        }
    }

    /** A container plan with the usual namespaces, /proc, /dev, /sys and device nodes. */
    InitPlanBuilder container(String... args) {
        long nosuidNoexecNodev = MountFlags.MS_NOSUID | MountFlags.MS_NOEXEC | MountFlags.MS_NODEV;
        InitPlanBuilder plan = new InitPlanBuilder()
                .args(args)
                .env("PATH=/bin")
                .env("HOME=/root")
                .cwd("/")
                .hostname(HOSTNAME)
                .rootfs(rootfs.path().toString())
                .newNamespaces(CONTAINER_NAMESPACES)
                .mount("proc", "/proc", "proc", nosuidNoexecNodev, "")
                .mount("tmpfs", "/dev", "tmpfs", MountFlags.MS_NOSUID | MountFlags.MS_STRICTATIME,
                        "mode=755,size=65536k")
                .mount("devpts", "/dev/pts", "devpts", MountFlags.MS_NOSUID | MountFlags.MS_NOEXEC,
                        "newinstance,ptmxmode=0666,mode=0620")
                .mount("shm", "/dev/shm", "tmpfs", nosuidNoexecNodev, "mode=1777,size=65536k")
                .mount("mqueue", "/dev/mqueue", "mqueue", nosuidNoexecNodev, "")
                .mount("sysfs", "/sys", "sysfs", nosuidNoexecNodev | MountFlags.MS_RDONLY, "")
                .symlink("/proc/self/fd", "/dev/fd")
                .symlink("/proc/self/fd/0", "/dev/stdin")
                .symlink("/proc/self/fd/1", "/dev/stdout")
                .symlink("/proc/self/fd/2", "/dev/stderr")
                .symlink("pts/ptmx", "/dev/ptmx")
                .user(0, 0);
        int[][] nodes = {{1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}};
        String[] names = {"null", "zero", "full", "random", "urandom", "tty"};
        for (int i = 0; i < names.length; i++) {
            plan.device(new InitPlan.DeviceNode("/dev/" + names[i], S_IFCHR, nodes[i][0], nodes[i][1], 0666, 0, 0));
        }
        return plan;
    }

    /** An exec plan entering the running container's namespaces (mnt last). */
    InitPlanBuilder exec(ShimHandle handle, String... args) {
        String ns = "/proc/" + handle.initPid() + "/ns/";
        return new InitPlanBuilder().args(args).env("PATH=/bin").cwd("/").user(0, 0)
                .join(InitPlan.CLONE_NEWIPC, ns + "ipc")
                .join(InitPlan.CLONE_NEWUTS, ns + "uts")
                .join(InitPlan.CLONE_NEWNET, ns + "net")
                .join(InitPlan.CLONE_NEWPID, ns + "pid")
                .join(InitPlan.CLONE_NEWNS, ns + "mnt");
    }

    /** Writes a plan into the sandbox; its path. */
    Path writePlan(String name, InitPlan plan) throws IOException {
        Path file = dir.resolve(name);
        writer.write(plan, file);
        return file;
    }

    ShimCreateRequest request(String id) {
        return new ShimCreateRequest(id, bundle(id), dir.resolve(id + ".plan"), dir.resolve(id + ".sock"),
                log(id), dir.resolve(id + ".exit"));
    }

    /** Writes the plan and runs {@code cortado-shim create}; the shim is killed on close. */
    ShimHandle create(String id, InitPlan plan) throws IOException {
        Files.createDirectories(bundle(id));
        writePlan(id + ".plan", plan);
        bundles.add(bundle(id));
        ShimHandle handle = new ShimLauncher(binary, Duration.ofSeconds(20)).create(request(id));
        ProcessHandle.of(handle.initPid()).ifPresent(processes::add);
        ProcessHandle.of(handle.shimPid()).ifPresent(processes::add);
        return handle;
    }

    Path bundle(String id) {
        return dir.resolve(id);
    }

    Path log(String id) {
        return dir.resolve(id + ".log");
    }

    Path binary() {
        return binary;
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() throws IOException {
        for (Path bundle : bundles) {
            shimOf(bundle).ifPresent(processes::add);
        }
        for (ProcessHandle process : processes) {
            process.descendants().forEach(ShimSandbox::killAndAwait);
            killAndAwait(process);
        }
        try {
            rootfs.close();
        } finally {
            TestRootfs.deleteTree(dir);
        }
    }

    /** The shim a bundle's shim.pid names, if it still runs this binary. */
    private Optional<ProcessHandle> shimOf(Path bundle) {
        try {
            long pid = Long.parseLong(Files.readString(bundle.resolve("shim.pid")).strip());
            return ProcessHandle.of(pid).filter(p -> p.info().command().map(c -> c.equals(binary.toString()))
                    .orElse(false));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** SIGKILL and wait (up to 5 s) for the process to end (a zombie counts: pid 1 here does not reap orphans). */
    static void killAndAwait(ProcessHandle process) {
        process.destroyForcibly();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (process.isAlive() && !ProcStat.exited(process.pid()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
