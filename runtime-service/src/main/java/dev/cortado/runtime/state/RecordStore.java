package dev.cortado.runtime.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.image.metadata.AtomicFiles;
import dev.cortado.image.metadata.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Records of one kind (sandboxes, containers), one JSON file per id, each replaced atomically
 * and durably on every change, so that a daemon killed at any instant restarts with every
 * record either as it was or as it became.
 */
public final class RecordStore<T> {

    private static final Logger LOG = Logger.getLogger(RecordStore.class.getName());
    private static final Pattern ID = Pattern.compile("[a-f0-9]{64}");

    private final Path dir;
    private final Class<T> type;
    private final ObjectMapper json = Json.newMapper();

    public RecordStore(Path dir, Class<T> type) throws IOException {
        this.dir = dir;
        this.type = type;
        Files.createDirectories(dir);
        AtomicFiles.removeTemporaries(dir);
    }

    public void save(String id, T record) throws IOException {
        AtomicFiles.write(file(id), json.writeValueAsBytes(record));
    }

    public void delete(String id) throws IOException {
        if (Files.deleteIfExists(file(id))) {
            AtomicFiles.syncDirectory(dir);
        }
    }

    /** Every readable record; an unreadable one is logged and set aside, not fatal. */
    public List<T> loadAll() throws IOException {
        List<T> records = new ArrayList<>();
        try (var files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                try {
                    records.add(json.readValue(file.toFile(), type));
                } catch (IOException e) {
                    Path aside = file.resolveSibling(file.getFileName() + ".unreadable");
                    LOG.warning("cannot read " + file + " (" + e.getMessage() + "); moved to " + aside);
                    Files.move(file, aside);
                }
            }
        }
        return records;
    }

    private Path file(String id) {
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("not a record id: \"" + id + "\"");
        }
        return dir.resolve(id + ".json");
    }
}
