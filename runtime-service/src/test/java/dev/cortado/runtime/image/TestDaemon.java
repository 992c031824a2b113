package dev.cortado.runtime.image;

import dev.cortado.cri.v1.AuthConfig;
import dev.cortado.cri.v1.FilesystemUsage;
import dev.cortado.cri.v1.Image;
import dev.cortado.cri.v1.ImageFilter;
import dev.cortado.cri.v1.ImageFsInfoRequest;
import dev.cortado.cri.v1.ImageServiceGrpc;
import dev.cortado.cri.v1.ImageSpec;
import dev.cortado.cri.v1.ImageStatusRequest;
import dev.cortado.cri.v1.ImageStatusResponse;
import dev.cortado.cri.v1.ListImagesRequest;
import dev.cortado.cri.v1.PullImageRequest;
import dev.cortado.cri.v1.RemoveImageRequest;
import dev.cortado.cri.v1.StreamImagesRequest;
import dev.cortado.cri.v1.StreamImagesResponse;
import dev.cortado.hack.registry.TempDirs;
import dev.cortado.runtime.daemon.DaemonProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real cortado daemon on a fresh temp directory, spoken to only over its CRI socket, with the
 * ImageService calls the tests make spelled out. Closing it kills the daemon and deletes the
 * directory, also when the test failed.
 */
final class TestDaemon implements AutoCloseable {

    /** Long enough for any pull here; a hung call fails the test instead of blocking the build. */
    private static final long CALL_DEADLINE_SECONDS = 120;

    private final Path dir;
    private volatile DaemonProcess process;

    private TestDaemon(Path dir, DaemonProcess process) {
        this.dir = dir;
        this.process = process;
    }

    static TestDaemon start() throws IOException, InterruptedException {
        return startWithConfig(null);
    }

    /** A daemon reading {@code toml} as its configuration file (none when null). */
    static TestDaemon startWithConfig(String toml) throws IOException, InterruptedException {
        Path dir = TempDirs.create("cortado-e2e-");
        try {
            DaemonProcess process = toml == null ? DaemonProcess.start(dir) : DaemonProcess.startWithConfig(dir, toml);
            return new TestDaemon(dir, process);
        } catch (IOException | InterruptedException | RuntimeException e) {
            TempDirs.deleteTree(dir);
            throw e;
        }
    }

    /**
     * SIGKILL, then a new daemon on the same directory and configuration file: what a node sees
     * after a crash. The old daemon's log is kept (the new one appends to it).
     */
    synchronized void killAndRestart() throws IOException, InterruptedException {
        process.kill();
        String[] flags = Files.exists(dir.resolve("cortado.toml"))
                ? new String[] {"--config", dir.resolve("cortado.toml").toString()} : new String[0];
        process = DaemonProcess.start(dir, flags);
    }

    /** The daemon's persistent root: content/, snapshots/, metadata/. */
    Path root() {
        return process.root();
    }

    /** The directory holding root/, state/, the config file and the daemon's log. */
    Path dir() {
        return dir;
    }

    String log() {
        return process.log();
    }

    /** The last lines of the daemon's log, for failure messages. */
    String logTail(int lines) {
        List<String> all = process.log().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    ImageServiceGrpc.ImageServiceBlockingStub images() {
        return process.client().images().withDeadlineAfter(CALL_DEADLINE_SECONDS, TimeUnit.SECONDS);
    }

    /** PullImage; returns the image_ref the daemon answers with. */
    String pull(String reference) {
        return pull(reference, AuthConfig.getDefaultInstance());
    }

    String pull(String reference, AuthConfig auth) {
        return images().pullImage(PullImageRequest.newBuilder().setImage(spec(reference)).setAuth(auth).build())
                .getImageRef();
    }

    /** ImageStatus; empty when the daemon reports no such image. */
    Optional<Image> status(String reference) {
        ImageStatusResponse response = images().imageStatus(ImageStatusRequest.newBuilder()
                .setImage(spec(reference)).build());
        return response.hasImage() ? Optional.of(response.getImage()) : Optional.empty();
    }

    ImageStatusResponse verboseStatus(String reference) {
        return images().imageStatus(ImageStatusRequest.newBuilder().setImage(spec(reference)).setVerbose(true).build());
    }

    List<Image> list() {
        return images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList();
    }

    List<Image> list(String filter) {
        return images().listImages(ListImagesRequest.newBuilder()
                .setFilter(ImageFilter.newBuilder().setImage(spec(filter))).build()).getImagesList();
    }

    /** StreamImages, every message's images in the order they came. */
    List<Image> stream(String filter) {
        StreamImagesRequest.Builder request = StreamImagesRequest.newBuilder();
        if (filter != null) {
            request.setFilter(ImageFilter.newBuilder().setImage(spec(filter)));
        }
        List<Image> images = new ArrayList<>();
        Iterator<StreamImagesResponse> responses = images().streamImages(request.build());
        responses.forEachRemaining(response -> images.addAll(response.getImagesList()));
        return images;
    }

    void remove(String reference) {
        images().removeImage(RemoveImageRequest.newBuilder().setImage(spec(reference)).build());
    }

    FilesystemUsage fsInfo() {
        List<FilesystemUsage> filesystems = images().imageFsInfo(ImageFsInfoRequest.getDefaultInstance())
                .getImageFilesystemsList();
        if (filesystems.size() != 1) {
            throw new AssertionError("expected exactly one image filesystem, got " + filesystems);
        }
        return filesystems.get(0);
    }

    static ImageSpec spec(String reference) {
        return ImageSpec.newBuilder().setImage(reference).build();
    }

    @Override
    public synchronized void close() throws IOException, InterruptedException {
        try {
            process.close();
        } finally {
            TempDirs.deleteTree(dir);
        }
    }
}
