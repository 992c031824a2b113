package dev.cortado.runtime.network;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.image.metadata.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON file per attached pod under {@code <state>/network}, replaced atomically: written
 * before ADD (so a crash mid-ADD still leaves what DEL needs) and again with the result.
 */
final class NetworkCache {

    private final Path dir;
    private final ObjectMapper json = new ObjectMapper();

    NetworkCache(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    void save(NetworkAttachment attachment) throws IOException {
        AtomicFiles.writeVolatile(file(attachment.podId()), json.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(attachment));
    }

    /** The pod's attachment, or null when it has none. */
    NetworkAttachment load(String podId) throws IOException {
        try {
            return json.readValue(Files.readAllBytes(file(podId)), NetworkAttachment.class);
        } catch (NoSuchFileException absent) {
            return null;
        } catch (IOException e) {
            throw new IOException("network cache " + file(podId) + " is unreadable: " + e.getMessage(), e);
        }
    }

    void delete(String podId) throws IOException {
        Files.deleteIfExists(file(podId));
    }

    List<String> podIds() throws IOException {
        List<String> ids = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return ids;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!name.startsWith(".")) {
                    ids.add(name.substring(0, name.length() - ".json".length()));
                }
            }
        }
        return ids;
    }

    private Path file(String podId) {
        if (!podId.matches("[0-9a-zA-Z_.-]+")) {
            throw new IllegalArgumentException("not a pod id: " + podId);
        }
        return dir.resolve(podId + ".json");
    }
}
