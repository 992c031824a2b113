package dev.cortado.image.snapshot;

import java.nio.file.Path;

/** A snapshot directory being filled, not yet committed: invisible to everything but its writer. */
public record PreparedSnapshot(long id, Path dir, Path fs) {
}
