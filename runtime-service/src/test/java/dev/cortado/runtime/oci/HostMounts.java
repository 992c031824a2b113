package dev.cortado.runtime.oci;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Real mounts for tests (tmpfs, binds, propagation changes) made with mount(8) and undone in
 * reverse order by {@link #close()}, also when the test failed.
 */
final class HostMounts implements AutoCloseable {

    private final Deque<Path> mounted = new ArrayDeque<>();

    /** Skips outside CI when not root; in CI the test runs and fails loudly instead. */
    static HostMounts open() throws IOException {
        boolean root = "0".equals(run(List.of("id", "-u")).trim());
        Assumptions.assumeTrue(root || System.getenv("CI") != null, "mounting needs root");
        return new HostMounts();
    }

    Path tmpfs(Path where) throws IOException {
        Files.createDirectories(where);
        run(List.of("mount", "-t", "tmpfs", "cortado-test", where.toString()));
        mounted.push(where);
        return where;
    }

    Path bind(Path source, Path where) throws IOException {
        Files.createDirectories(where);
        run(List.of("mount", "--bind", source.toString(), where.toString()));
        mounted.push(where);
        return where;
    }

    void propagation(Path where, String change) throws IOException {
        run(List.of("mount", "--make-" + change, where.toString()));
    }

    @Override
    public void close() throws IOException {
        List<String> failures = new ArrayList<>();
        while (!mounted.isEmpty()) {
            Path where = mounted.pop();
            try {
                run(List.of("umount", where.toString()));
            } catch (IOException e) {
                failures.add(e.getMessage());
            }
        }
        if (!failures.isEmpty()) {
            throw new IOException("could not unmount: " + failures);
        }
    }

    static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " interrupted");
        }
        return out;
    }
}
