package dev.cortado.runtime.image;

import dev.cortado.hack.files.FileFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the image store holds, measured on disk without the daemon's help: every blob (its
 * bytes, one inode each) and every snapshot's entries (regular file bytes and one inode per
 * distinct inode below its fs directory, so hardlinks count once).
 */
record DiskUsage(long bytes, long inodes) {

    static DiskUsage of(StoreLayout store) throws IOException {
        long bytes = 0;
        long inodes = 0;
        for (String blob : store.blobs()) {
            bytes += Files.size(store.blob(blob));
            inodes++;
        }
        for (String dir : store.snapshotDirs()) {
            Path fs = store.root().resolve("snapshots").resolve(dir).resolve("fs");
            Set<Long> seen = new HashSet<>();
            List<Path> entries;
            try (Stream<Path> walk = Files.walk(fs)) {
                entries = walk.filter(path -> !path.equals(fs)).toList();
            }
            for (Path entry : entries) {
                if (seen.add(FileFacts.inode(entry))) {
                    inodes++;
                    if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                        bytes += Files.size(entry);
                    }
                }
            }
        }
        return new DiskUsage(bytes, inodes);
    }
}
