package dev.cortado.image.snapshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cortado.image.content.Digest;
import dev.cortado.image.metadata.AtomicFiles;
import dev.cortado.image.metadata.Json;
import dev.cortado.linux.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Unpacked image layers: {@code snapshots/<id>/fs} directories used as overlay lowerdirs, short
 * links to them in {@code snapshots/l/}, and one metadata file per committed snapshot in
 * {@code metadata/snapshots/<chainID hex>.json}. The metadata file is the commit point: a
 * directory without one is debris from an interrupted unpack and is removed at start-up.
 */
public final class SnapshotStore {

    private static final Logger LOG = Logger.getLogger(SnapshotStore.class.getName());
    private static final char[] LINK_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final int LINK_LENGTH = 26;

    private final Path dirs;
    private final Path links;
    private final Path records;
    private final Syscalls syscalls;
    private final ObjectMapper json = Json.newMapper();
    private final SecureRandom random = new SecureRandom();
    private final Map<Digest, Snapshot> committed = new ConcurrentHashMap<>();
    private final AtomicLong lastId = new AtomicLong();

    public SnapshotStore(Path root, Syscalls syscalls) throws IOException {
        this.dirs = root.resolve("snapshots");
        this.links = dirs.resolve("l");
        this.records = root.resolve("metadata").resolve("snapshots");
        this.syscalls = syscalls;
        Files.createDirectories(links);
        Files.createDirectories(records);
        load();
    }

    /** Reads committed snapshots and removes whatever an interrupted unpack or removal left. */
    private void load() throws IOException {
        AtomicFiles.removeTemporaries(records);
        try (var files = Files.newDirectoryStream(records, "*.json")) {
            for (Path file : files) {
                Snapshot snapshot = json.readValue(file.toFile(), Snapshot.class);
                if (Files.isDirectory(fsOf(snapshot.id()))) {
                    committed.put(snapshot.chainId(), snapshot);
                } else {
                    LOG.warning("snapshot " + snapshot.chainId() + " lost its directory; forgetting it");
                    Files.delete(file);
                }
            }
        }
        Set<Long> known = new HashSet<>();
        Set<String> knownLinks = new HashSet<>();
        for (Snapshot snapshot : committed.values()) {
            known.add(snapshot.id());
            knownLinks.add(snapshot.link());
        }
        long highest = 0;
        try (var entries = Files.newDirectoryStream(dirs)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                long id = Long.parseLong(name);
                highest = Math.max(highest, id);
                if (!known.contains(id)) {
                    FileTrees.deleteRecursively(entry);
                }
            }
        }
        try (var entries = Files.newDirectoryStream(links)) {
            for (Path link : entries) {
                if (!knownLinks.contains(link.getFileName().toString())) {
                    Files.deleteIfExists(link);
                }
            }
        }
        lastId.set(highest);
    }

    public Optional<Snapshot> get(Digest chainId) {
        return Optional.ofNullable(committed.get(chainId));
    }

    public Collection<Snapshot> list() {
        return List.copyOf(committed.values());
    }

    /** The directory holding a snapshot's files. */
    public Path fsOf(long id) {
        return dirs.resolve(Long.toString(id)).resolve("fs");
    }

    public Path fs(Snapshot snapshot) {
        return fsOf(snapshot.id());
    }

    /** The directory overlay mounts resolve short links from. */
    public Path linkDirectory() {
        return dirs;
    }

    /** The short lowerdir name of a snapshot, relative to {@link #linkDirectory()}. */
    public String shortPath(Snapshot snapshot) {
        return "l/" + snapshot.link();
    }

    /** The chain from the given top layer down to its base, top first, as overlay lists lowerdirs. */
    public List<Snapshot> chain(Digest topChainId) {
        List<Snapshot> chain = new ArrayList<>();
        Digest next = topChainId;
        while (next != null) {
            Snapshot snapshot = committed.get(next);
            if (snapshot == null) {
                throw new IllegalStateException("snapshot " + next + " is missing from the chain of " + topChainId);
            }
            chain.add(snapshot);
            next = snapshot.parent();
        }
        return chain;
    }

    /** A fresh, empty directory to unpack one layer into. */
    public PreparedSnapshot prepare() throws IOException {
        long id = lastId.incrementAndGet();
        Path dir = dirs.resolve(Long.toString(id));
        Path fs = dir.resolve("fs");
        Files.createDirectories(fs);
        return new PreparedSnapshot(id, dir, fs);
    }

    /**
     * Makes a prepared snapshot permanent: its files are flushed to disk, a short link is made,
     * and the metadata file that marks it committed is written last.
     */
    public Snapshot commit(PreparedSnapshot prepared, Digest chainId, Digest parent, Digest diffId, Digest blob,
                           long bytes, long inodes) throws IOException {
        syscalls.syncfs(prepared.fs());
        Snapshot snapshot;
        synchronized (this) {
            Snapshot existing = committed.get(chainId);
            if (existing != null) {
                snapshot = existing;
            } else {
                String link = newLinkName();
                Files.createSymbolicLink(links.resolve(link), Path.of("..", Long.toString(prepared.id()), "fs"));
                snapshot = new Snapshot(chainId, prepared.id(), parent, diffId, blob, link, bytes, inodes,
                        Instant.now());
                AtomicFiles.write(recordOf(chainId), json.writeValueAsBytes(snapshot));
                committed.put(chainId, snapshot);
                return snapshot;
            }
        }
        abort(prepared);
        return snapshot;
    }

    public void abort(PreparedSnapshot prepared) throws IOException {
        FileTrees.deleteRecursively(prepared.dir());
    }

    /** Deletes a snapshot: its metadata first, so that a crash midway leaves only debris. */
    public void remove(Digest chainId) throws IOException {
        Snapshot snapshot = committed.remove(chainId);
        if (snapshot == null) {
            return;
        }
        Files.deleteIfExists(recordOf(chainId));
        AtomicFiles.syncDirectory(records);
        Files.deleteIfExists(links.resolve(snapshot.link()));
        FileTrees.deleteRecursively(dirs.resolve(Long.toString(snapshot.id())));
    }

    private Path recordOf(Digest chainId) {
        return records.resolve(chainId.hex() + ".json");
    }

    private String newLinkName() {
        while (true) {
            char[] name = new char[LINK_LENGTH];
            for (int i = 0; i < name.length; i++) {
                name[i] = LINK_ALPHABET[random.nextInt(LINK_ALPHABET.length)];
            }
            String candidate = new String(name);
            if (!Files.exists(links.resolve(candidate), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return candidate;
            }
        }
    }
}
