package dev.cortado.linux;

/** The kinds of special file {@link Syscalls#mknod} makes, with their {@code S_IF*} type bits. */
public enum NodeType {
    CHARACTER_DEVICE(0020000),
    BLOCK_DEVICE(0060000),
    FIFO(0010000);

    private final int typeBits;

    NodeType(int typeBits) {
        this.typeBits = typeBits;
    }

    int typeBits() {
        return typeBits;
    }
}
