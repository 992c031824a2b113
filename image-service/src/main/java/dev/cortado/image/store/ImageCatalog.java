package dev.cortado.image.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.image.content.Digest;
import dev.cortado.image.metadata.AtomicFiles;
import dev.cortado.image.metadata.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The list of complete images and their names, kept in one file ({@code metadata/images.json})
 * that is replaced atomically on every change: a tag moving from one image to another is a
 * single durable step, and a crash leaves either the old list or the new one.
 */
public final class ImageCatalog {

    private static final TypeReference<List<ImageRecord>> LIST = new TypeReference<>() {
    };

    private final Path file;
    private final ObjectMapper json = Json.newMapper();
    private final Map<Digest, ImageRecord> images = new LinkedHashMap<>();

    public ImageCatalog(Path root) throws IOException {
        Path dir = root.resolve("metadata");
        Files.createDirectories(dir);
        AtomicFiles.removeTemporaries(dir);
        this.file = dir.resolve("images.json");
        if (Files.exists(file)) {
            for (ImageRecord record : json.readValue(file.toFile(), LIST)) {
                images.put(record.id(), record);
            }
        }
    }

    public synchronized List<ImageRecord> all() {
        return List.copyOf(images.values());
    }

    public synchronized Optional<ImageRecord> get(Digest id) {
        return Optional.ofNullable(images.get(id));
    }

    /** The image a full tagged or digested reference names. */
    public synchronized Optional<ImageRecord> byName(String fullReference) {
        for (ImageRecord record : images.values()) {
            if (record.repoTags().contains(fullReference) || record.repoDigests().contains(fullReference)) {
                return Optional.of(record);
            }
        }
        return Optional.empty();
    }

    /** Images whose id starts with the given hex, for docker-style short ids. */
    public synchronized List<ImageRecord> byIdPrefix(String hexPrefix) {
        List<ImageRecord> found = new ArrayList<>();
        for (ImageRecord record : images.values()) {
            if (record.id().hex().startsWith(hexPrefix)) {
                found.add(record);
            }
        }
        return found;
    }

    /**
     * Adds an image or merges its names into the stored one. A tag names one image only, so
     * the tags of the new record are taken away from any other image first.
     */
    public synchronized ImageRecord put(ImageRecord record) throws IOException {
        Map<Digest, ImageRecord> next = new LinkedHashMap<>(images);
        for (ImageRecord other : images.values()) {
            if (other.id().equals(record.id())) {
                continue;
            }
            List<String> tags = new ArrayList<>(other.repoTags());
            if (tags.removeAll(record.repoTags())) {
                next.put(other.id(), other.withNames(tags, other.repoDigests()));
            }
        }
        ImageRecord existing = images.get(record.id());
        ImageRecord merged = existing == null ? record : existing.mergeNames(record);
        next.put(record.id(), merged);
        save(next.values());
        images.clear();
        images.putAll(next);
        return merged;
    }

    public synchronized Optional<ImageRecord> remove(Digest id) throws IOException {
        if (!images.containsKey(id)) {
            return Optional.empty();
        }
        Map<Digest, ImageRecord> next = new LinkedHashMap<>(images);
        ImageRecord removed = next.remove(id);
        save(next.values());
        images.remove(id);
        return Optional.of(removed);
    }

    private void save(Collection<ImageRecord> records) throws IOException {
        AtomicFiles.write(file, json.writeValueAsBytes(List.copyOf(records)));
    }
}
