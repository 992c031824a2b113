package dev.cortado.image.unpack;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A tar entry name reduced to plain components below the layer root. Leading slashes are
 * dropped (an absolute name means the layer root, as docker treats it), {@code .} and empty
 * components vanish, and {@code ..} is resolved lexically; a {@code ..} that would climb above
 * the root is refused rather than clamped.
 */
record LayerPath(List<String> components) {

    static final LayerPath ROOT = new LayerPath(List.of());

    static LayerPath parse(String tarName, String entryName, String what) throws UnsafeLayerException {
        List<String> parts = new ArrayList<>();
        for (String part : tarName.split("/", -1)) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    throw new UnsafeLayerException(entryName, what + " \"" + tarName + "\" escapes the layer directory");
                }
                parts.remove(parts.size() - 1);
                continue;
            }
            if (part.indexOf('\0') >= 0) {
                throw new UnsafeLayerException(entryName, what + " contains a NUL character");
            }
            parts.add(part);
        }
        return new LayerPath(List.copyOf(parts));
    }

    boolean isRoot() {
        return components.isEmpty();
    }

    String name() {
        return components.get(components.size() - 1);
    }

    LayerPath parent() {
        return new LayerPath(components.subList(0, components.size() - 1));
    }

    LayerPath child(String name) {
        List<String> parts = new ArrayList<>(components);
        parts.add(name);
        return new LayerPath(List.copyOf(parts));
    }

    LayerPath prefix(int count) {
        return new LayerPath(components.subList(0, count));
    }

    /** The same location on disk under {@code root}. */
    Path under(Path root) {
        return isRoot() ? root : root.resolve(toString());
    }

    /** True when this is {@code other} or lies below it. */
    boolean within(LayerPath other) {
        return components.size() >= other.components.size()
                && components.subList(0, other.components.size()).equals(other.components);
    }

    @Override
    public String toString() {
        return String.join("/", components);
    }
}
