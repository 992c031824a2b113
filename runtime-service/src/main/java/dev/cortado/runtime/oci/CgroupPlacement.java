package dev.cortado.runtime.oci;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where the container's cgroups are (created by the cgroup manager before the shim starts).
 *
 * @param cgroupsPath  the {@code linux.cgroupsPath} of config.json (what runc would use)
 * @param directories  the container's directory in every hierarchy it belongs to
 */
public record CgroupPlacement(String cgroupsPath, List<CgroupDirectory> directories) {

    public CgroupPlacement {
        Objects.requireNonNull(cgroupsPath, "cgroupsPath");
        directories = List.copyOf(directories);
    }

    /**
     * The container's cgroup in one hierarchy.
     *
     * @param hierarchy the hierarchy's directory name under /sys/fs/cgroup ("memory",
     *                  "cpu,cpuacct", "systemd", "unified"), or "" on a host with only cgroup v2
     *                  mounted at /sys/fs/cgroup itself
     * @param hostPath  the container's cgroup directory on the host
     */
    public record CgroupDirectory(String hierarchy, Path hostPath) {
        public CgroupDirectory {
            Objects.requireNonNull(hierarchy, "hierarchy");
            if (hierarchy.contains("/") || hierarchy.equals(".") || hierarchy.equals("..")) {
                throw new IllegalArgumentException("not a hierarchy name: \"" + hierarchy + "\"");
            }
            if (!hostPath.isAbsolute()) {
                throw new IllegalArgumentException("cgroup directory " + hostPath + " is not absolute");
            }
        }
    }

    /** The cgroup.procs files the shim writes the init's pid into. */
    public List<String> cgroupProcs() {
        return directories.stream().map(d -> d.hostPath().resolve("cgroup.procs").toString()).toList();
    }

    /** Only cgroup v2, mounted at /sys/fs/cgroup: no per-hierarchy subdirectories in the container. */
    public boolean unifiedOnly() {
        return directories.size() == 1 && directories.get(0).hierarchy().isEmpty();
    }
}
