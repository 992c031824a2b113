package dev.cortado.runtime.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The daemon's on-disk layout as DESIGN.md describes it, read independently of the production
 * code: {@code content/blobs/sha256/<hex>}, {@code snapshots/<n>/fs}, {@code snapshots/l/<link>},
 * {@code metadata/snapshots/<chain hex>.json} and {@code metadata/images.json}.
 */
record StoreLayout(Path root) {

    private static final ObjectMapper JSON = new ObjectMapper();

    Path blob(String digest) {
        return root.resolve("content/blobs/sha256").resolve(hex(digest));
    }

    Path snapshotRecord(String chainId) {
        return root.resolve("metadata/snapshots").resolve(hex(chainId) + ".json");
    }

    JsonNode snapshotMetadata(String chainId) throws IOException {
        Path record = snapshotRecord(chainId);
        if (!Files.isRegularFile(record)) {
            throw new AssertionError("no snapshot record " + record + " for chainID " + chainId);
        }
        return JSON.readTree(record.toFile());
    }

    /** {@code snapshots/<n>/fs} of the committed snapshot with this chainID. */
    Path snapshotFs(String chainId) throws IOException {
        return root.resolve("snapshots").resolve(snapshotMetadata(chainId).get("id").asText()).resolve("fs");
    }

    Path snapshotLink(String chainId) throws IOException {
        return root.resolve("snapshots/l").resolve(snapshotMetadata(chainId).get("link").asText());
    }

    /** The numbered snapshot directories present. */
    List<String> snapshotDirs() throws IOException {
        return names(root.resolve("snapshots")).stream().filter(name -> name.chars().allMatch(Character::isDigit))
                .toList();
    }

    List<String> snapshotLinks() throws IOException {
        return names(root.resolve("snapshots/l"));
    }

    List<String> snapshotRecords() throws IOException {
        return names(root.resolve("metadata/snapshots"));
    }

    /** Blob digests present, as {@code sha256:<hex>}. */
    List<String> blobs() throws IOException {
        return names(root.resolve("content/blobs/sha256")).stream().map(hex -> "sha256:" + hex).toList();
    }

    List<String> ingest() throws IOException {
        return names(root.resolve("content/ingest"));
    }

    JsonNode images() throws IOException {
        return JSON.readTree(root.resolve("metadata/images.json").toFile());
    }

    /** chainIDs as the OCI image spec defines them, computed here rather than by the daemon. */
    static List<String> chainIds(List<String> diffIds) {
        List<String> chain = new ArrayList<>();
        String below = null;
        for (String diffId : diffIds) {
            String next = below == null ? diffId : sha256((below + " " + diffId).getBytes(StandardCharsets.US_ASCII));
            chain.add(next);
            below = next;
        }
        return chain;
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(String digest) {
        if (!digest.startsWith("sha256:")) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        return digest.substring("sha256:".length());
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.map(child -> child.getFileName().toString()).sorted().toList();
        }
    }
}
