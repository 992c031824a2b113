package dev.cortado.runtime.stats;

/**
 * What a container's writable layer holds, as of one walk of its upper directory.
 *
 * @param bytes     apparent size of its files (hard links counted once)
 * @param inodes    files, directories, links and whiteouts in it
 * @param timestamp nanoseconds since the epoch when the walk ended
 */
record LayerUsage(long bytes, long inodes, long timestamp) {
}
