package dev.cortado.runtime.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading control files, and a v2 parent enabling its controllers for the levels created below it. */
class CgroupFilesTest {

    @TempDir
    Path mount;

    @Test
    void aNewV2LevelGetsWhatItsParentHasEnabledForIt() throws IOException {
        Path parent = Files.createDirectories(mount.resolve("cortado"));
        Files.writeString(parent.resolve("cgroup.controllers"), "cpu memory pids\n");
        Files.writeString(parent.resolve("cgroup.subtree_control"), "");
        CgroupLayout layout = new CgroupLayout(List.of(new Hierarchy(mount, true, Set.of())));
        new Cgroup(layout, "/cortado/pod/ctr").create();
        assertEquals("+cpu +memory +pids", Files.readString(parent.resolve("cgroup.subtree_control")));
        assertEquals(true, Files.isDirectory(mount.resolve("cortado/pod/ctr")));
    }

    @Test
    void theHierarchyRootIsLeftToTheHost() throws IOException {
        Files.writeString(mount.resolve("cgroup.controllers"), "cpu memory\n");
        Files.writeString(mount.resolve("cgroup.subtree_control"), "");
        CgroupLayout layout = new CgroupLayout(List.of(new Hierarchy(mount, true, Set.of())));
        new Cgroup(layout, "/cortado/pod").create();
        assertEquals("", Files.readString(mount.resolve("cgroup.subtree_control")));
    }

    @Test
    void controlFilesAreReadFromTheControllersHierarchy() throws IOException {
        CgroupLayout layout = new CgroupLayout(List.of(
                new Hierarchy(mount.resolve("memory"), false, Set.of("memory")),
                new Hierarchy(mount.resolve("unified"), true, Set.of())));
        Cgroup cgroup = new Cgroup(layout, "/pod/ctr");
        cgroup.create();
        Files.writeString(mount.resolve("memory/pod/ctr/memory.oom_control"),
                "oom_kill_disable 0\nunder_oom 0\noom_kill 3\n");
        Files.writeString(mount.resolve("unified/pod/ctr/hugetlb.2MB.events"), "max 0\n");
        assertEquals(Map.of("oom_kill_disable", 0L, "under_oom", 0L, "oom_kill", 3L),
                Cgroup.keyedValues(cgroup.read("memory", "memory.oom_control").orElseThrow()));
        assertEquals(Optional.of("max 0"), cgroup.read("hugetlb", "hugetlb.2MB.events"), "no v1 hugetlb: the unified tree");
        assertEquals(Optional.empty(), cgroup.read("memory", "memory.stat"));
    }
}
