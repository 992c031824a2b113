package dev.cortado.runtime.stats;

import dev.cortado.runtime.state.Ids;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Disk use of every container's writable layer, walked by one background thread
 * ("writable-layer-usage") at most once per interval per container, so that stats calls answer
 * from the cache and never walk a tree themselves. A container not yet walked is walked soon
 * after it is first asked for.
 */
final class WritableLayerUsage implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WritableLayerUsage.class.getName());

    private final Supplier<Map<String, Path>> upperDirs;
    private final ScheduledExecutorService walker;
    private final Map<String, LayerUsage> cache = new ConcurrentHashMap<>();
    private final Set<String> queued = ConcurrentHashMap.newKeySet();

    /** @param upperDirs the current containers: id to upper directory */
    WritableLayerUsage(Supplier<Map<String, Path>> upperDirs, Duration interval) {
        this.upperDirs = upperDirs;
        this.walker = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "writable-layer-usage");
            thread.setDaemon(true);
            return thread;
        });
        long millis = Math.max(1, interval.toMillis());
        walker.scheduleWithFixedDelay(this::walkAll, millis, millis, TimeUnit.MILLISECONDS);
    }

    /** The last walk's result; empty (and a walk queued) when the container was not walked yet. */
    Optional<LayerUsage> usage(String containerId, Path upper) {
        LayerUsage known = cache.get(containerId);
        if (known == null && queued.add(containerId)) {
            try {
                walker.execute(() -> {
                    queued.remove(containerId);
                    walkOne(containerId, upper);
                    if (!upperDirs.get().containsKey(containerId)) {
                        cache.remove(containerId); // removed while it was walked
                    }
                });
            } catch (RejectedExecutionException closed) {
                queued.remove(containerId);
            }
        }
        return Optional.ofNullable(known);
    }

    void forget(String containerId) {
        cache.remove(containerId);
    }

    private void walkAll() {
        try {
            Map<String, Path> current = upperDirs.get();
            cache.keySet().retainAll(current.keySet());
            for (Map.Entry<String, Path> entry : current.entrySet()) {
                walkOne(entry.getKey(), entry.getValue());
            }
            cache.keySet().retainAll(upperDirs.get().keySet()); // those removed while the round ran
        } catch (RuntimeException unexpected) {
            // the thread must survive: a later round may succeed
            LOG.warning("writable layer usage: " + unexpected);
        }
    }

    private void walkOne(String containerId, Path upper) {
        try {
            cache.put(containerId, walk(upper));
        } catch (NoSuchFileException gone) {
            cache.remove(containerId); // removed while we walked
        } catch (IOException e) {
            LOG.fine(() -> "writable layer of " + containerId + ": " + e.getMessage());
        }
    }

    /** Sums apparent sizes and counts inodes under {@code upper}, the directory itself excluded. */
    static LayerUsage walk(Path upper) throws IOException {
        long[] bytes = {0};
        long[] inodes = {0};
        Set<Object> seen = new HashSet<>();
        Files.walkFileTree(upper, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(upper)) {
                    inodes[0]++;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                Object key = attrs.fileKey();
                if (key == null || seen.add(key)) {
                    inodes[0]++;
                    if (attrs.isRegularFile()) {
                        bytes[0] += attrs.size();
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                if (file.equals(upper)) {
                    throw failure;
                }
                return FileVisitResult.CONTINUE; // vanished while walking: the container changes under us
            }
        });
        return new LayerUsage(bytes[0], inodes[0], Ids.nowNanos());
    }

    @Override
    public void close() {
        walker.shutdownNow();
    }
}
