package dev.cortado.image.unpack;

import java.io.IOException;

/**
 * A layer asked for something that would touch the host outside the layer directory (or that
 * the unpacker was configured to refuse, such as device nodes). Unpacking stops; the caller
 * should discard the partly written directory.
 */
public final class UnsafeLayerException extends IOException {

    private final String entryName;
    private final String reason;

    public UnsafeLayerException(String entryName, String reason) {
        super("tar entry \"" + entryName + "\": " + reason);
        this.entryName = entryName;
        this.reason = reason;
    }

    /** What is wrong with the entry, without its name. */
    public String reason() {
        return reason;
    }

    /** The entry's name exactly as the tar spells it. */
    public String entryName() {
        return entryName;
    }
}
