package dev.cortado.runtime.oci;

import java.util.List;

/** One line of an image's /etc/group. */
public record GroupEntry(String name, long gid, List<String> members) {

    public GroupEntry {
        members = List.copyOf(members);
    }
}
