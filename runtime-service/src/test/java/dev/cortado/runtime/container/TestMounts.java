package dev.cortado.runtime.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Host mounts a test makes with mount(8) (tmpfs, propagation changes), undone in reverse order
 * by {@link #close()} even when the test failed; and the lines of a mountinfo file, parsed.
 */
final class TestMounts implements AutoCloseable {

    private final Deque<Path> mounted = new ArrayDeque<>();

    Path tmpfs(Path where) throws IOException {
        Files.createDirectories(where);
        run("mount", "-t", "tmpfs", "cortado-test", where.toString());
        mounted.push(where);
        return where;
    }

    void makeShared(Path where) throws IOException {
        run("mount", "--make-shared", where.toString());
    }

    @Override
    public void close() throws IOException {
        List<String> failures = new ArrayList<>();
        while (!mounted.isEmpty()) {
            Path where = mounted.pop();
            try {
                run("umount", where.toString());
            } catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new IOException("could not unmount: " + failures);
        }
    }

    /**
     * One line of /proc/<pid>/mountinfo.
     *
     * @param mountPoint where it is mounted, as the process's root sees it
     * @param options    the per-mount options ("rw,relatime")
     * @param tags       the optional fields: "shared:N", "master:N", "propagate_from:N", "unbindable"
     */
    record MountLine(String mountPoint, String options, List<String> tags) {

        static List<MountLine> parse(String mountinfo) {
            List<MountLine> lines = new ArrayList<>();
            mountinfo.lines().forEach(line -> {
                String[] fields = line.split(" ");
                List<String> tags = new ArrayList<>();
                for (int i = 6; i < fields.length && !fields[i].equals("-"); i++) {
                    tags.add(fields[i]);
                }
                lines.add(new MountLine(fields[4], fields[5], tags));
            });
            return lines;
        }

        static MountLine at(List<MountLine> lines, String mountPoint) {
            MountLine found = null;
            for (MountLine line : lines) {
                if (line.mountPoint().equals(mountPoint)) {
                    found = line; // the last one is on top
                }
            }
            if (found == null) {
                throw new AssertionError(mountPoint + " is not mounted: " + lines);
            }
            return found;
        }

        /** The value of a tag like "shared:12" by its name. */
        Optional<String> tag(String name) {
            return tags.stream().filter(t -> t.startsWith(name + ":")).map(t -> t.substring(name.length() + 1))
                    .findFirst();
        }
    }

    static String run(String... command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " interrupted", e);
        }
        return out;
    }
}
