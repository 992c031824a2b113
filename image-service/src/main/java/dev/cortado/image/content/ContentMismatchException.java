package dev.cortado.image.content;

import java.io.IOException;

/** Content whose digest, size or diff_id is not what its descriptor promised. */
public class ContentMismatchException extends IOException {
    public ContentMismatchException(String message) {
        super(message);
    }
}
