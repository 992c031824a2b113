package dev.cortado.image.manifest;

/** One step of how an image was built; {@code emptyLayer} steps added no layer. All but the flag may be null. */
public record HistoryEntry(String created, String createdBy, String author, String comment, boolean emptyLayer) {
}
