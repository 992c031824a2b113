package dev.cortado.hack.image;

/** The kinds of tar entries a layer can hold. */
public enum EntryType {
    DIRECTORY,
    FILE,
    SYMLINK,
    HARDLINK,
    FIFO,
    CHAR_DEVICE,
    BLOCK_DEVICE
}
