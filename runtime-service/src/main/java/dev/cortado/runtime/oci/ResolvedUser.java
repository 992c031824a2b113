package dev.cortado.runtime.oci;

import java.util.List;

/**
 * The identity the container's process runs as.
 *
 * @param uid              user id (0 to 2^32-2)
 * @param gid              primary group id
 * @param additionalGids   supplementary groups, sorted, without duplicates, including {@code gid}
 * @param home             the user's home from the image's /etc/passwd, "/" when it has none
 */
public record ResolvedUser(long uid, long gid, List<Long> additionalGids, String home) {

    public ResolvedUser {
        additionalGids = List.copyOf(additionalGids);
    }
}
