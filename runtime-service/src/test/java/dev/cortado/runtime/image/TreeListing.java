package dev.cortado.runtime.image;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Every name under a directory with its type and, for files, size (symlinks with their target),
 * never following links: two listings are equal when nothing was created, removed, replaced or
 * resized. Directory sizes are left out, as ext4 never shrinks a directory that once grew.
 */
record TreeListing(Path root, Map<String, String> entries) {

    /** Lists {@code root}; names (relative, '/'-separated) matching {@code ignored} are skipped with their subtrees. */
    static TreeListing of(Path root, Predicate<String> ignored) throws IOException {
        Map<String, String> entries = new TreeMap<>();
        if (!Files.exists(root)) {
            return new TreeListing(root, entries);
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                String name = relative(dir);
                if (!name.isEmpty() && ignored.test(name)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (!name.isEmpty()) {
                    entries.put(name, "dir");
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = relative(file);
                if (ignored.test(name)) {
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.isSymbolicLink()) {
                    entries.put(name, "symlink -> " + Files.readSymbolicLink(file));
                } else if (attrs.isRegularFile()) {
                    entries.put(name, "file " + attrs.size());
                } else {
                    entries.put(name, "other");
                }
                return FileVisitResult.CONTINUE;
            }

            private String relative(Path path) {
                return root.relativize(path).toString();
            }
        });
        return new TreeListing(root, entries);
    }

    /** The daemon's root without its lock file, which the running daemon holds open. */
    static TreeListing ofStore(Path root) throws IOException {
        return of(root, name -> name.equals("cortado.lock"));
    }

    /** What differs from {@code earlier}, one line per name; empty when nothing does. */
    List<String> differencesFrom(TreeListing earlier) {
        Set<String> names = new TreeSet<>(earlier.entries.keySet());
        names.addAll(entries.keySet());
        List<String> lines = new ArrayList<>();
        for (String name : names) {
            String before = earlier.entries.get(name);
            String after = entries.get(name);
            if (before == null) {
                lines.add("+ " + name + " (" + after + ")");
            } else if (after == null) {
                lines.add("- " + name + " (" + before + ")");
            } else if (!before.equals(after)) {
                lines.add("~ " + name + " (" + before + " -> " + after + ")");
            }
        }
        return lines;
    }

    /** Fails, listing every difference, unless this listing equals {@code earlier}. */
    void assertUnchangedSince(TreeListing earlier, String what) {
        List<String> differences = differencesFrom(earlier);
        if (!differences.isEmpty()) {
            throw new AssertionError(what + ": " + root + " changed:\n  " + String.join("\n  ", differences));
        }
    }
}
