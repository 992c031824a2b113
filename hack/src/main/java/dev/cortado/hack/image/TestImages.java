package dev.cortado.hack.image;

import dev.cortado.hack.registry.LocalRegistry;
import dev.cortado.hack.registry.TempDirs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The standard test images, built from Debian's busybox-static and pushed into a {@link LocalRegistry}.
 * Each method builds the image afresh (reproducibly: the same bytes each call in one JVM) and
 * returns the digests a test can assert. All images share the busybox base layer, which the
 * pusher uploads once per repository.
 */
public final class TestImages {
    /** Owner of /home/app and the user "app" in {@link #withUser}. */
    public static final int APP_UID = 1234;
    public static final int APP_GID = 5678;
    /** mtime of special/file.txt in {@link #specialFiles}. */
    public static final Instant SPECIAL_MTIME = Instant.parse("2020-01-02T03:04:05Z");
    /**
     * A VFS_CAP_REVISION_2 {@code security.capability} value granting CAP_NET_BIND_SERVICE
     * permitted and effective: magic 0x02000001, permitted bit 10, all else zero (little endian).
     */
    public static final byte[] CAP_NET_BIND_SERVICE_XATTR = {
        0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

    private TestImages() {
    }

    /** {@code busybox:latest}: one gzip layer, OCI manifest, Cmd {@code /bin/sh}. */
    public static TestImage busybox(LocalRegistry registry) {
        return busybox(registry, "busybox", "latest");
    }

    public static TestImage busybox(LocalRegistry registry, String repository, String tag) {
        BuiltImage image = base(ImageBuilder.oci())
                .layer(BusyboxRootfs.layer(Compression.GZIP), "COPY busybox rootfs /")
                .build();
        return push(registry, repository, tag, image);
    }

    /**
     * {@code layered:latest}, Docker schema 2, three gzip layers. Layer 2 adds /etc/motd,
     * /data/a.txt ("a from layer 2\n"), /data/sub/b.txt ("b\n"), /opt/app/config.txt and
     * /opt/app/old/x.txt. Layer 3 deletes /etc/motd (.wh.motd), makes /opt/app opaque
     * (.wh..wh..opq) with only /opt/app/new.txt ("new config\n", dir mode 0750) and rewrites
     * /data/a.txt to "a from layer 3\n". WorkingDir /data, Env LAYERED=yes.
     */
    public static TestImage layered(LocalRegistry registry) {
        return layered(registry, "layered", "latest");
    }

    public static TestImage layered(LocalRegistry registry, String repository, String tag) {
        Layer second = new LayerBuilder()
                .dir("etc", 0755)
                .file("etc/motd", "motd from layer 2\n", 0644)
                .dir("data", 0755)
                .file("data/a.txt", "a from layer 2\n", 0644)
                .dir("data/sub", 0755)
                .file("data/sub/b.txt", "b\n", 0644)
                .dir("opt", 0755)
                .dir("opt/app", 0755)
                .file("opt/app/config.txt", "old config\n", 0644)
                .dir("opt/app/old", 0755)
                .file("opt/app/old/x.txt", "x\n", 0644)
                .build(Compression.GZIP);
        Layer third = new LayerBuilder()
                .dir("etc", 0755)
                .whiteout("etc/motd")
                .dir("data", 0755)
                .file("data/a.txt", "a from layer 3\n", 0644)
                .dir("opt", 0755)
                .dir("opt/app", 0750)
                .opaque("opt/app")
                .file("opt/app/new.txt", "new config\n", 0644)
                .build(Compression.GZIP);
        BuiltImage image = base(ImageBuilder.docker())
                .env("LAYERED=yes")
                .workingDir("/data")
                .label("dev.cortado.image", "layered")
                .layer(BusyboxRootfs.layer(Compression.GZIP), "COPY busybox rootfs /")
                .layer(second, "RUN add files")
                .layer(third, "RUN delete motd; replace /opt/app")
                .build();
        return push(registry, repository, tag, image);
    }

    /**
     * {@code special:latest}, OCI, base layer plus a layer under /special with: file.txt (0644,
     * mtime {@link #SPECIAL_MTIME}), hardlink.txt (hardlink to special/file.txt), rel-link ->
     * file.txt, abs-link -> /special/file.txt, dangling -> /nonexistent/target, setuid (04755,
     * 0:0), setgid-dir/ (02775), sticky-dir/ (01777), xattr.txt (user.cortado=test), cap-file (0755,
     * security.capability = {@link #CAP_NET_BIND_SERVICE_XATTR}), fifo (0644), owned/ (1000:1000
     * 0755) holding file.txt (1000:1000 0640) and link -> file.txt (1000:1000).
     */
    public static TestImage specialFiles(LocalRegistry registry) {
        return specialFiles(registry, "special", "latest");
    }

    public static TestImage specialFiles(LocalRegistry registry, String repository, String tag) {
        Layer special = new LayerBuilder()
                .dir("special", 0755)
                .add(LayerEntry.file("special/file.txt", "hello special\n").withMtime(SPECIAL_MTIME))
                .hardlink("special/hardlink.txt", "special/file.txt")
                .symlink("special/rel-link", "file.txt")
                .symlink("special/abs-link", "/special/file.txt")
                .symlink("special/dangling", "/nonexistent/target")
                .add(LayerEntry.file("special/setuid", "#!/bin/sh\necho setuid\n").withMode(04755).withOwner(0, 0))
                .dir("special/setgid-dir", 02775)
                .dir("special/sticky-dir", 01777)
                .add(LayerEntry.file("special/xattr.txt", "has xattr\n").withXattr("user.cortado", "test"))
                .add(LayerEntry.file("special/cap-file", "cap\n").withMode(0755)
                        .withXattr("security.capability", CAP_NET_BIND_SERVICE_XATTR))
                .fifo("special/fifo", 0644)
                .add(LayerEntry.dir("special/owned").withOwner(1000, 1000))
                .add(LayerEntry.file("special/owned/file.txt", "owned by 1000\n").withMode(0640).withOwner(1000, 1000))
                .add(LayerEntry.symlink("special/owned/link", "file.txt").withOwner(1000, 1000))
                .build(Compression.GZIP);
        BuiltImage image = base(ImageBuilder.oci())
                .layer(BusyboxRootfs.layer(Compression.GZIP), "COPY busybox rootfs /")
                .layer(special, "COPY special files /special")
                .build();
        return push(registry, repository, tag, image);
    }

    /** {@code zstd:latest}: the busybox root filesystem as one zstd layer (OCI tar+zstd). */
    public static TestImage zstd(LocalRegistry registry) {
        return zstd(registry, "zstd", "latest");
    }

    public static TestImage zstd(LocalRegistry registry, String repository, String tag) {
        BuiltImage image = base(ImageBuilder.oci())
                .layer(BusyboxRootfs.layer(Compression.ZSTD), "COPY busybox rootfs / (zstd)")
                .build();
        return push(registry, repository, tag, image);
    }

    /**
     * {@code multiarch:latest}: an OCI index over linux/amd64 and linux/arm64/v8. Each image is the
     * base layer plus /etc/arch holding the architecture name and a newline, and carries the label
     * {@code dev.cortado.arch}. (The busybox binary is the host's in both: the content is for tests.)
     */
    public static TestIndex multiArch(LocalRegistry registry) {
        return multiArch(registry, "multiarch", "latest", ManifestFormat.OCI);
    }

    /** The same as {@link #multiArch(LocalRegistry)} as a Docker manifest list, {@code multiarch-docker:latest}. */
    public static TestIndex multiArchDockerList(LocalRegistry registry) {
        return multiArch(registry, "multiarch-docker", "latest", ManifestFormat.DOCKER);
    }

    public static TestIndex multiArch(LocalRegistry registry, String repository, String tag, ManifestFormat format) {
        Layer base = BusyboxRootfs.layer(Compression.GZIP);
        IndexBuilder index = new IndexBuilder(format);
        for (Platform platform : List.of(Platform.LINUX_AMD64, Platform.LINUX_ARM64_V8)) {
            Layer arch = new LayerBuilder()
                    .dir("etc", 0755)
                    .file("etc/arch", platform.architecture() + "\n", 0644)
                    .build(Compression.GZIP);
            index.add(base(new ImageBuilder(format))
                    .platform(platform)
                    .label("dev.cortado.arch", platform.architecture())
                    .layer(base, "COPY busybox rootfs /")
                    .layer(arch, "RUN echo " + platform.architecture() + " > /etc/arch")
                    .build());
        }
        BuiltIndex built = index.build();
        String digest = RegistryPusher.to(registry).push(repository, tag, built);
        requireSameDigest(built.digest(), digest, repository + ":" + tag);
        List<TestImage> images = new ArrayList<>();
        for (BuiltImage image : built.images()) {
            images.add(TestImage.of(registry.hostPort(), repository, null, image));
        }
        return new TestIndex(registry.hostPort(), repository, tag, built.digest(), built.mediaType(), images, built);
    }

    /**
     * {@code withuser:latest}: base layer, then a layer whose /etc/passwd adds
     * {@code app:x:1234:5678:app:/home/app:/bin/sh}, /etc/group adds {@code app:x:5678:}, and
     * /home/app is owned 1234:5678. Config User "app", WorkingDir /home/app, Cmd {@code id}.
     */
    public static TestImage withUser(LocalRegistry registry) {
        return withUser(registry, "withuser", "latest");
    }

    public static TestImage withUser(LocalRegistry registry, String repository, String tag) {
        Layer users = new LayerBuilder()
                .dir("etc", 0755)
                .file("etc/passwd", BusyboxRootfs.PASSWD + "app:x:" + APP_UID + ":" + APP_GID + ":app:/home/app:/bin/sh\n", 0644)
                .file("etc/group", BusyboxRootfs.GROUP + "app:x:" + APP_GID + ":\n", 0644)
                .dir("home", 0755)
                .add(LayerEntry.dir("home/app").withMode(0750).withOwner(APP_UID, APP_GID))
                .build(Compression.GZIP);
        BuiltImage image = ImageBuilder.oci()
                .env(BusyboxRootfs.PATH_ENV)
                .user("app")
                .workingDir("/home/app")
                .cmd("id")
                .layer(BusyboxRootfs.layer(Compression.GZIP), "COPY busybox rootfs /")
                .layer(users, "RUN adduser app")
                .build();
        return push(registry, repository, tag, image);
    }

    /** {@code large:latest}: five gzip layers totalling about 100 MB of file content, seed 42. */
    public static TestImage large(LocalRegistry registry) {
        return large(registry, "large", "latest", 5, 100L * 1024 * 1024, 42);
    }

    public static TestImage large(LocalRegistry registry, int layers, long totalBytes) {
        return large(registry, "large", "latest", layers, totalBytes, 42);
    }

    /**
     * A benchmark image: {@code layers} gzip layers (the first also holds the busybox root
     * filesystem) of seeded synthetic files, about {@code totalBytes} of content in all. Layers are
     * written to temp files, pushed, and the files deleted: the returned image's layer data is gone.
     */
    public static TestImage large(LocalRegistry registry, String repository, String tag, int layers,
                                  long totalBytes, long seed) {
        if (layers < 1) {
            throw new IllegalArgumentException("a large image needs at least one layer, not " + layers);
        }
        Path dir = TempDirs.create("cortado-large-image-");
        try {
            ImageBuilder builder = base(ImageBuilder.oci()).label("dev.cortado.seed", Long.toString(seed));
            for (int i = 0; i < layers; i++) {
                LayerBuilder layer = new LayerBuilder();
                if (i == 0) {
                    layer.addAll(BusyboxRootfs.entries());
                }
                layer.addAll(SyntheticTree.plan(i, totalBytes / layers, seed));
                builder.layer(layer.buildToFile(Compression.GZIP, dir.resolve("layer-" + i + ".tar.gz")),
                        "COPY synthetic data layer " + i);
            }
            return push(registry, repository, tag, builder.build());
        } finally {
            try {
                TempDirs.deleteTree(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove large-image temp files in " + dir, e);
            }
        }
    }

    /**
     * {@code pause:latest}: a sandbox image for runtimes that need one (containerd's
     * {@code sandbox_image}), one gzip layer holding only {@code /pause}, the statically linked
     * {@link PauseBinary}, which is also the entrypoint. It exits 0 on SIGTERM or SIGINT.
     */
    public static TestImage pause(LocalRegistry registry) {
        return pause(registry, "pause", "latest");
    }

    public static TestImage pause(LocalRegistry registry, String repository, String tag) {
        Layer layer = new LayerBuilder().file("pause", PauseBinary.compile(), 0755).build(Compression.GZIP);
        BuiltImage image = ImageBuilder.oci()
                .entrypoint("/pause")
                .layer(layer, "COPY pause /pause")
                .build();
        return push(registry, repository, tag, image);
    }

    /** The busybox base layer plus the given extra layers (gzip, OCI), e.g. with hostile entries. */
    public static TestImage withLayers(LocalRegistry registry, String repository, String tag, LayerBuilder... extra) {
        ImageBuilder builder = base(ImageBuilder.oci()).layer(BusyboxRootfs.layer(Compression.GZIP), "COPY busybox rootfs /");
        for (LayerBuilder layer : extra) {
            builder.layer(layer.build(Compression.GZIP), "COPY extra layer");
        }
        return push(registry, repository, tag, builder.build());
    }

    /** Pushes any built image and returns its record, checking the registry agrees on the digest. */
    public static TestImage push(LocalRegistry registry, String repository, String tag, BuiltImage image) {
        String digest = RegistryPusher.to(registry).push(repository, tag, image);
        requireSameDigest(image.manifestDigest(), digest, repository + ":" + tag);
        return TestImage.of(registry.hostPort(), repository, tag, image);
    }

    static ImageBuilder base(ImageBuilder builder) {
        return builder.env(BusyboxRootfs.PATH_ENV).cmd("/bin/sh");
    }

    private static void requireSameDigest(String expected, String reported, String what) {
        if (!expected.equals(reported)) {
            throw new IllegalStateException("registry stored " + what + " as " + reported + " but its bytes hash to " + expected);
        }
    }
}
