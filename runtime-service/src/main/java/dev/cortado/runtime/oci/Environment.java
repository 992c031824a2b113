package dev.cortado.runtime.oci;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A process environment built in layers, later layers replacing earlier values of the same key
 * in place (the order containerd produces: defaults, then the image's Env, then the
 * container's envs). An image entry without "=" unsets the key, as in containerd.
 */
public final class Environment {

    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final Map<String, String> values = new LinkedHashMap<>();

    /** Sets a variable; the name is checked by the caller. */
    public Environment set(String name, String value) {
        values.put(name, value);
        return this;
    }

    public Environment setIfAbsent(String name, String value) {
        values.putIfAbsent(name, value);
        return this;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** Entries as an image config writes them: {@code K=V}, or {@code K} to unset. */
    public Environment addImageEntries(List<String> entries) {
        for (String entry : entries) {
            InvalidField.noNul("image Env", entry);
            int eq = entry.indexOf('=');
            if (eq < 0) {
                values.remove(entry);
            } else if (eq > 0) {
                values.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
            // "=x" names nothing; images that carry it get it dropped rather than refused
        }
        return this;
    }

    /** One of the container's envs, checked: the name must be usable in a {@code K=V} entry. */
    public Environment addContainerEntry(int index, String name, String value) {
        String field = "envs[" + index + "]";
        if (name.isEmpty()) {
            throw InvalidField.of(field + ".key", "an environment variable needs a name");
        }
        if (name.indexOf('=') >= 0) {
            throw InvalidField.of(field + ".key", "\"" + name + "\" contains '='");
        }
        InvalidField.noNul(field + ".key", name);
        InvalidField.noNul(field + ".value", value);
        values.put(name, value);
        return this;
    }

    public List<String> entries() {
        List<String> out = new ArrayList<>(values.size());
        values.forEach((k, v) -> out.add(k + "=" + v));
        return List.copyOf(out);
    }
}
