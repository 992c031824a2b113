package dev.cortado.image.content;

import dev.cortado.image.metadata.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The content-addressed blob store: {@code content/blobs/<algorithm>/<hex>} holds manifests,
 * configs and compressed layers, each verified against its digest before it appears there.
 * Partial writes live in {@code content/ingest/} and are never readable as blobs.
 */
public final class ContentStore {

    private final Path blobs;
    private final Path ingest;

    public ContentStore(Path root) throws IOException {
        this.blobs = root.resolve("content").resolve("blobs");
        this.ingest = root.resolve("content").resolve("ingest");
        Files.createDirectories(blobs.resolve("sha256"));
        Files.createDirectories(ingest);
    }

    public Path path(Digest digest) {
        return blobs.resolve(digest.algorithm()).resolve(digest.hex());
    }

    public boolean has(Digest digest) {
        return Files.isRegularFile(path(digest));
    }

    /** The size of a stored blob, or -1 when it is absent. */
    public long size(Digest digest) {
        try {
            return Files.size(path(digest));
        } catch (IOException e) {
            return -1;
        }
    }

    public InputStream open(Digest digest) throws IOException {
        try {
            return Files.newInputStream(path(digest));
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException("blob " + digest + " is not in the content store");
        }
    }

    /** Reads a small blob whole, refusing one larger than {@code cap} bytes. */
    public byte[] read(Digest digest, long cap) throws IOException {
        long size = Files.size(path(digest));
        if (size > cap) {
            throw new IOException("blob " + digest + " is " + size + " bytes, more than the " + cap + " allowed");
        }
        return Files.readAllBytes(path(digest));
    }

    /** Stores bytes already in memory after checking them against {@code digest}. */
    public void write(Digest digest, byte[] content) throws IOException {
        if (!digest.matches(digest.newHasher().digest(content))) {
            throw new ContentMismatchException("content does not match its digest " + digest);
        }
        if (!has(digest)) {
            AtomicFiles.write(path(digest), content);
        }
    }

    /** Starts writing a blob; the caller must {@link Ingest#commit} or {@link Ingest#close} it. */
    public Ingest begin(Digest expected, long expectedSize) throws IOException {
        Path temp = ingest.resolve(expected.hex() + "-" + UUID.randomUUID());
        return new Ingest(expected, expectedSize, temp, path(expected));
    }

    public boolean delete(Digest digest) throws IOException {
        return Files.deleteIfExists(path(digest));
    }

    /** Every blob present, for garbage collection. */
    public List<Digest> list() throws IOException {
        List<Digest> found = new ArrayList<>();
        for (String algorithm : List.of("sha256", "sha512")) {
            Path dir = blobs.resolve(algorithm);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var names = Files.newDirectoryStream(dir)) {
                for (Path name : names) {
                    try {
                        found.add(new Digest(algorithm, name.getFileName().toString()));
                    } catch (IllegalArgumentException notABlob) {
                        Files.deleteIfExists(name);
                    }
                }
            }
        }
        return found;
    }

    /** Drops every partial download; called at start-up, when no ingest can be in progress. */
    public void clearIngest() throws IOException {
        try (var names = Files.newDirectoryStream(ingest)) {
            for (Path partial : names) {
                Files.deleteIfExists(partial);
            }
        }
    }

    /** Bytes and files held by the blob store. */
    public Usage usage() throws IOException {
        long bytes = 0;
        long files = 0;
        for (Digest digest : list()) {
            long size = size(digest);
            if (size >= 0) {
                bytes += size;
                files++;
            }
        }
        return new Usage(bytes, files);
    }

    public record Usage(long bytes, long files) {
    }
}
