package dev.cortado.image.unpack;

/**
 * What one layer unpack did: tar entries read (extension headers not counted), bytes of regular
 * file content written, and inodes created (files, directories including implied parents,
 * symlinks, device nodes, fifos and whiteouts; hardlinks add none).
 */
public record UnpackStats(long entries, long bytesWritten, long inodes) {
}
