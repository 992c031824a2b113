package dev.cortado.runtime.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cortado.hack.files.FileFacts;
import dev.cortado.hack.image.TestImage;
import dev.cortado.hack.image.TestImages;
import dev.cortado.linux.Syscalls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The overlay at work: what a running container changes lands in its own upper directory,
 * deletions of image files become whiteouts there, and the image's snapshots (shared by every
 * container of the image) never change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CopyOnWriteTest {

    private ContainerHarness harness;
    private PodFixture pods;
    private TestImage layered;

    @BeforeAll
    void startDaemon() throws Exception {
        harness = ContainerHarness.start("ctr-cow");
        pods = harness.pods();
        layered = TestImages.layered(harness.registry());
        pods.pull(layered.reference());
    }

    @AfterAll
    void stopDaemon() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @AfterEach
    void removePods() {
        harness.removeAllPods();
    }

    @Test
    void theContainerSeesTheImageAsItsLayersStackIt() {
        PodFixture.Pod pod = pods.startPod("view");
        String id = pods.run(pod, "main", layered.reference(), "sleep", "1000");
        assertEquals("a from layer 3\n", pods.sh(id, "cat /data/a.txt"));
        assertEquals("b\n", pods.sh(id, "cat /data/sub/b.txt"));
        assertEquals("absent\n", pods.sh(id, "test -e /etc/motd && echo present || echo absent"),
                "layer 3's whiteout hides layer 2's /etc/motd");
        assertEquals("new.txt\n", pods.sh(id, "ls -A /opt/app"), "layer 3 made /opt/app opaque");
        assertEquals("/data\n", pods.sh(id, "pwd"), "the image's WorkingDir");
        assertEquals("yes\n", pods.sh(id, "echo $LAYERED"), "the image's Env");
    }

    @Test
    void writesAndDeletesLandInTheUpperDirAndLeaveTheImageAlone() throws Exception {
        PodFixture.Pod pod = pods.startPod("cow");
        String first = pods.run(pod, "first", layered.reference(), "sleep", "1000");
        JsonNode layers = pods.info(first).get("layers");
        Path upper = Path.of(layers.get("upperdir").asText());
        List<Path> imageLayers = imageLayers(layers);
        assertEquals(3, imageLayers.size(), "the three layers of the image: " + imageLayers);
        Map<Path, Map<String, String>> before = snapshots(imageLayers);
        assertEquals(Map.of(), listing(upper), "a fresh container has written nothing");

        pods.sh(first, "echo changed > /data/a.txt; rm /data/sub/b.txt; echo fresh > /tmp/new.txt;"
                + " rm -r /opt/app; mkdir /opt/app; echo again > /opt/app/again.txt");

        assertEquals("changed\n", pods.sh(first, "cat /data/a.txt"));
        assertEquals("1\n", pods.sh(first, "test -e /data/sub/b.txt; echo $?"));
        assertEquals("again.txt\n", pods.sh(first, "ls -A /opt/app"));

        assertEquals("changed\n", Files.readString(upper.resolve("data/a.txt")), "the copy-up of a.txt");
        assertEquals("fresh\n", Files.readString(upper.resolve("tmp/new.txt")));
        Path whiteout = upper.resolve("data/sub/b.txt");
        assertEquals(FileFacts.S_IFCHR, FileFacts.fileType(whiteout), "a deleted image file is a whiteout");
        assertEquals(0, FileFacts.rdev(whiteout), "an overlay whiteout is the 0:0 character device");
        assertEquals("y", opaque(upper.resolve("opt/app")),
                "a directory deleted and made again hides the image's copy (trusted.overlay.opaque)");
        assertEquals(before, snapshots(imageLayers), "the image's snapshots changed under a container");
        assertEquals("a from layer 3\n", Files.readString(imageLayers.get(0).resolve("data/a.txt")));
        assertEquals("a from layer 2\n", Files.readString(imageLayers.get(1).resolve("data/a.txt")));

        String second = pods.run(pod, "second", layered.reference(), "sleep", "1000");
        assertEquals("a from layer 3\n", pods.sh(second, "cat /data/a.txt"), "the second container's own view");
        assertEquals("b\n", pods.sh(second, "cat /data/sub/b.txt"));
        assertEquals("new.txt\n", pods.sh(second, "ls -A /opt/app"));
        assertEquals("1\n", pods.sh(second, "test -e /tmp/new.txt; echo $?"));
        Path secondUpper = Path.of(pods.info(second).at("/layers/upperdir").asText());
        assertFalse(secondUpper.equals(upper));
        assertEquals(Map.of(), listing(secondUpper));
        assertEquals(imageLayers, imageLayers(pods.info(second).get("layers")), "both stack the same snapshots");
    }

    /** The image's snapshot directories, top first: the lowerdirs after the container's init layer. */
    private static List<Path> imageLayers(JsonNode layers) {
        List<Path> dirs = new ArrayList<>();
        layers.get("lowerdir").forEach(n -> dirs.add(Path.of(n.asText())));
        assertEquals(layers.get("init").asText(), dirs.get(0).toString());
        return dirs.subList(1, dirs.size());
    }

    private static Map<Path, Map<String, String>> snapshots(List<Path> dirs) {
        Map<Path, Map<String, String>> facts = new LinkedHashMap<>();
        for (Path dir : dirs) {
            facts.put(dir, FileFacts.snapshot(dir, null));
        }
        return facts;
    }

    /** Relative path to type of every entry under {@code dir}. */
    private static Map<String, String> listing(Path dir) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) tree::iterator) {
                if (!p.equals(dir)) {
                    entries.put(dir.relativize(p).toString(), Integer.toOctalString(FileFacts.mode(p)));
                }
            }
        }
        return entries;
    }

    private static String opaque(Path dir) throws IOException {
        return new String(new Syscalls().lgetxattr(dir, "trusted.overlay.opaque"), StandardCharsets.UTF_8);
    }
}
