package dev.cortado.image.unpack;

/** The kinds of tar entry a layer may hold (extension headers are consumed by {@link TarReader}). */
enum TarEntryType {
    REGULAR,
    HARDLINK,
    SYMLINK,
    CHARACTER_DEVICE,
    BLOCK_DEVICE,
    DIRECTORY,
    FIFO;

    /** Types whose size field is ignored, as Go's archive/tar (and so docker) ignores it. */
    boolean headerOnly() {
        return this != REGULAR;
    }
}
