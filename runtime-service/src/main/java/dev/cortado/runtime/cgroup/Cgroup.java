package dev.cortado.runtime.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * One cgroup, named by its path from the hierarchy root ({@code /kubepods/besteffort/pod1/c1}),
 * as it exists in every hierarchy of the layout. Paths are validated so that no component can
 * climb out of the cgroup mount.
 */
public final class Cgroup {

    private static final Logger LOG = Logger.getLogger(Cgroup.class.getName());

    private static final Pattern COMPONENT = Pattern.compile("[A-Za-z0-9_.:@+=-]{1,255}");

    private final CgroupLayout layout;
    private final String path;

    public Cgroup(CgroupLayout layout, String path) {
        this.layout = layout;
        this.path = normalise(path);
    }

    /** "/a/b" from "a/b", "/a/b/", "/a//b"; refuses "..", "." and odd characters. */
    static String normalise(String path) {
        StringBuilder out = new StringBuilder();
        for (String component : path.split("/")) {
            if (component.isEmpty()) {
                continue;
            }
            if (component.equals(".") || component.equals("..") || !COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("cgroup path \"" + path + "\": component \"" + component
                        + "\" is not allowed");
            }
            out.append('/').append(component);
        }
        if (out.length() == 0) {
            throw new IllegalArgumentException("cgroup path \"" + path + "\" names the root cgroup");
        }
        return out.toString();
    }

    public String path() {
        return path;
    }

    public Cgroup child(String name) {
        return new Cgroup(layout, path + "/" + name);
    }

    /** The directory of this cgroup in one hierarchy. */
    public Path directory(Hierarchy hierarchy) {
        return hierarchy.mountPoint().resolve(path.substring(1));
    }

    /** The cgroup.procs files a process must be written into to join this cgroup everywhere. */
    public List<String> procsFiles() {
        List<String> files = new ArrayList<>();
        for (Hierarchy hierarchy : layout.hierarchies()) {
            files.add(directory(hierarchy).resolve("cgroup.procs").toString());
        }
        return files;
    }

    /** Creates the cgroup (and missing parents) in every hierarchy; idempotent. */
    public void create() throws IOException {
        for (Hierarchy hierarchy : layout.hierarchies()) {
            Path dir = directory(hierarchy);
            if (hierarchy.has("cpuset")) {
                createCpuset(hierarchy, dir);
            } else if (hierarchy.unified()) {
                createUnified(hierarchy, dir);
            } else {
                Files.createDirectories(dir);
            }
        }
    }

    /**
     * A v1 cpuset cgroup starts with empty cpus and mems and refuses tasks until they are set:
     * each new level copies its parent's.
     */
    private static void createCpuset(Hierarchy hierarchy, Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; !p.equals(hierarchy.mountPoint()) && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path level : missing) {
            Files.createDirectories(level);
            for (String file : List.of("cpuset.cpus", "cpuset.mems")) {
                Path own = level.resolve(file);
                if (Files.readString(own).isBlank()) {
                    Files.writeString(own, Files.readString(level.getParent().resolve(file)).trim());
                }
            }
        }
    }

    /**
     * A v2 cgroup gets only the controllers its parent enables for its children: each level
     * created below ours enables in its parent what the parent has. The hierarchy root is the
     * host's (its init system decides there), and a parent holding processes cannot enable
     * controllers, which then stay off with a note in the log.
     */
    private static void createUnified(Hierarchy hierarchy, Path dir) throws IOException {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir; !p.equals(hierarchy.mountPoint()) && !Files.isDirectory(p); p = p.getParent()) {
            missing.add(0, p);
        }
        for (Path level : missing) {
            Path parent = level.getParent();
            if (!parent.equals(hierarchy.mountPoint())) {
                enableControllers(parent);
            }
            Files.createDirectories(level);
        }
    }

    private static void enableControllers(Path parent) {
        Path available = parent.resolve("cgroup.controllers");
        Path subtree = parent.resolve("cgroup.subtree_control");
        try {
            if (!Files.exists(available) || !Files.exists(subtree)) {
                return;
            }
            String wanted = Files.readString(available).trim();
            if (wanted.isEmpty() || Files.readString(subtree).trim().equals(wanted)) {
                return;
            }
            StringBuilder enable = new StringBuilder();
            for (String controller : wanted.split("\\s+")) {
                enable.append(enable.length() == 0 ? "+" : " +").append(controller);
            }
            Files.writeString(subtree, enable.toString());
        } catch (IOException e) {
            LOG.info("cgroup " + parent + ": cannot enable controllers for its children: " + e.getMessage());
        }
    }

    /** The directory of this cgroup holding a controller's files: its v1 hierarchy, else the unified one. */
    public Optional<Path> controllerDirectory(String controller) {
        return layout.forController(controller).map(this::directory);
    }

    /**
     * A control file's content, trimmed ({@code read("memory", "memory.stat")}); empty when this
     * host has no such file for the cgroup (controller missing, or the cgroup is gone).
     */
    public Optional<String> read(String controller, String file) throws IOException {
        Optional<Path> dir = controllerDirectory(controller);
        if (dir.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(dir.get().resolve(file)).trim());
        } catch (NoSuchFileException absent) {
            return Optional.empty();
        }
    }

    /**
     * "key value" lines (memory.stat, memory.events, cpu.stat, memory.oom_control) as a map in
     * file order; lines whose value is not a number are left out.
     */
    public static Map<String, Long> keyedValues(String text) {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2) {
                try {
                    values.put(parts[0], Long.parseLong(parts[1]));
                } catch (NumberFormatException notNumeric) {
                    // "max" and the like: not a counter
                }
            }
        }
        return values;
    }

    /** Process ids in the cgroup (read from the first hierarchy that has it). */
    public Set<Integer> pids() throws IOException {
        Set<Integer> pids = new LinkedHashSet<>();
        for (Hierarchy hierarchy : layout.hierarchies()) {
            Path procs = directory(hierarchy).resolve("cgroup.procs");
            try {
                for (String line : Files.readAllLines(procs)) {
                    if (!line.isBlank()) {
                        pids.add(Integer.parseInt(line.trim()));
                    }
                }
                return pids;
            } catch (NoSuchFileException absent) {
                // try the next hierarchy
            }
        }
        return pids;
    }

    /**
     * Removes the cgroup from every hierarchy, leaf first; idempotent. A cgroup still holding
     * processes cannot be removed: the caller kills them first. Parents are left alone.
     */
    public void remove() throws IOException {
        IOException failure = null;
        for (Hierarchy hierarchy : layout.hierarchies()) {
            Path dir = directory(hierarchy);
            try {
                removeTree(dir);
            } catch (IOException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** rmdir of the cgroup and any child cgroups below it (their control files go with them). */
    private static void removeTree(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path child : entries) {
                removeTree(child);
            }
        }
        for (int attempt = 0; ; attempt++) {
            try {
                Files.deleteIfExists(dir);
                return;
            } catch (java.nio.file.FileSystemException busy) {
                // EBUSY while the last process is still exiting: short retries
                if (attempt >= 50) {
                    throw new IOException("cannot remove cgroup " + dir + ": " + busy.getMessage(), busy);
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted removing cgroup " + dir, e);
                }
            }
        }
    }

    @Override
    public String toString() {
        return path;
    }
}
