package dev.cortado.runtime.image;

import dev.cortado.hack.registry.TempDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A read-only overlay of snapshot directories mounted by the kernel with mount(8), to see the
 * merged view a container would get. Closing unmounts it and removes the mount point.
 */
final class OverlayMount implements AutoCloseable {

    private final Path target;

    private OverlayMount(Path target) {
        this.target = target;
    }

    /** @param lowerTopFirst lowerdirs in overlay's order: the top layer first */
    static OverlayMount readOnly(List<Path> lowerTopFirst) throws IOException, InterruptedException {
        Path target = TempDirs.create("cortado-e2e-merged-");
        String lower = lowerTopFirst.stream().map(Path::toString).collect(Collectors.joining(":"));
        try {
            run(List.of("mount", "-t", "overlay", "overlay", "-o", "ro,lowerdir=" + lower, target.toString()));
        } catch (IOException | InterruptedException e) {
            TempDirs.deleteTree(target);
            throw e;
        }
        return new OverlayMount(target);
    }

    Path path() {
        return target;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        // never delete through a mount that is still there: only after umount succeeded
        run(List.of("umount", target.toString()));
        TempDirs.deleteTree(target);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(command + " did not finish in 30 s");
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed with " + process.exitValue() + ": " + output);
        }
    }
}
