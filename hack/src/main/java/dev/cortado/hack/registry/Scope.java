package dev.cortado.hack.registry;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One requested or granted access scope, as in {@code repository:library/busybox:pull,push}.
 * The name may itself contain colons (e.g. a registry host with a port), so the type ends at the
 * first colon and the actions start after the last one.
 */
public record Scope(String type, String name, Set<String> actions) {
    public Scope {
        actions = Set.copyOf(new LinkedHashSet<>(actions));
    }

    /** Parses {@code type:name:action,action}; fails with the offending text. */
    public static Scope parse(String text) {
        int first = text.indexOf(':');
        int last = text.lastIndexOf(':');
        if (first <= 0 || last == first) {
            throw new IllegalArgumentException("scope \"" + text + "\" is not of the form type:name:actions");
        }
        Set<String> actions = new LinkedHashSet<>();
        for (String action : text.substring(last + 1).split(",")) {
            if (!action.isBlank()) {
                actions.add(action.strip());
            }
        }
        return new Scope(text.substring(0, first), text.substring(first + 1, last), actions);
    }

    /** The same resource with only the actions also in {@code allowed}. */
    public Scope restrictedTo(Set<String> allowed) {
        Set<String> kept = new LinkedHashSet<>(actions);
        kept.retainAll(allowed);
        return new Scope(type, name, kept);
    }

    @Override
    public String toString() {
        List<String> sorted = new ArrayList<>(actions);
        java.util.Collections.sort(sorted);
        return type + ":" + name + ":" + String.join(",", sorted);
    }
}
