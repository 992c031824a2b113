package dev.cortado.hack.image;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One tar entry of a layer. Names are written exactly as given (only directories gain a trailing
 * slash), so hostile names such as {@code ../evil} or {@code /abs} are possible for bad-input tests.
 * Mode holds the permission bits including setuid (04000), setgid (02000) and sticky (01000).
 * Extended attributes go into a PAX header as {@code SCHILY.xattr.<name>} with their raw bytes.
 */
public record LayerEntry(EntryType type, String name, int mode, int uid, int gid, String userName,
                         String groupName, Instant mtime, EntryContent content, String linkTarget,
                         int devMajor, int devMinor, Map<String, byte[]> xattrs, Map<String, String> paxHeaders) {
    /** Fixed so that builds are reproducible; 2024-01-01T00:00:00Z. */
    public static final Instant DEFAULT_MTIME = Instant.parse("2024-01-01T00:00:00Z");
    public static final String WHITEOUT_PREFIX = ".wh.";
    public static final String OPAQUE_MARKER = ".wh..wh..opq";

    public LayerEntry {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(mtime, "mtime");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a tar entry needs a name");
        }
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException("mode " + Integer.toOctalString(mode) + " of \"" + name
                    + "\" has bits beyond 07777; give permission, setuid, setgid and sticky bits only");
        }
        if (content == null) {
            content = EntryContent.EMPTY;
        }
        if (type != EntryType.FILE && content.size() != 0) {
            throw new IllegalArgumentException(type + " \"" + name + "\" cannot have content");
        }
        if ((type == EntryType.SYMLINK || type == EntryType.HARDLINK) && (linkTarget == null || linkTarget.isEmpty())) {
            throw new IllegalArgumentException(type + " \"" + name + "\" needs a link target");
        }
        userName = userName == null ? "" : userName;
        groupName = groupName == null ? "" : groupName;
        xattrs = Collections.unmodifiableMap(new LinkedHashMap<>(xattrs == null ? Map.of() : xattrs));
        paxHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(paxHeaders == null ? Map.of() : paxHeaders));
    }

    private static LayerEntry of(EntryType type, String name, int mode, EntryContent content, String target) {
        return new LayerEntry(type, name, mode, 0, 0, "", "", DEFAULT_MTIME, content, target, 0, 0, Map.of(), Map.of());
    }

    /** A directory, mode 0755. */
    public static LayerEntry dir(String name) {
        return of(EntryType.DIRECTORY, name, 0755, null, null);
    }

    /** A regular file, mode 0644. */
    public static LayerEntry file(String name, EntryContent content) {
        return of(EntryType.FILE, name, 0644, content, null);
    }

    public static LayerEntry file(String name, byte[] content) {
        return file(name, EntryContent.of(content));
    }

    public static LayerEntry file(String name, String utf8) {
        return file(name, EntryContent.of(utf8.getBytes(StandardCharsets.UTF_8)));
    }

    /** A symlink, mode 0777; the target is stored verbatim (relative or absolute). */
    public static LayerEntry symlink(String name, String target) {
        return of(EntryType.SYMLINK, name, 0777, null, target);
    }

    /** A hardlink to an earlier entry; the target is a path within the layer, as tar stores it. */
    public static LayerEntry hardlink(String name, String target) {
        return of(EntryType.HARDLINK, name, 0644, null, target);
    }

    /** A named pipe, mode 0644. */
    public static LayerEntry fifo(String name) {
        return of(EntryType.FIFO, name, 0644, null, null);
    }

    public static LayerEntry charDevice(String name, int major, int minor) {
        return of(EntryType.CHAR_DEVICE, name, 0666, null, null).withDevice(major, minor);
    }

    public static LayerEntry blockDevice(String name, int major, int minor) {
        return of(EntryType.BLOCK_DEVICE, name, 0660, null, null).withDevice(major, minor);
    }

    /** The OCI whiteout that deletes {@code path} from lower layers: an empty {@code dir/.wh.name} file. */
    public static LayerEntry whiteout(String path) {
        String trimmed = stripTrailingSlash(path);
        int slash = trimmed.lastIndexOf('/');
        String parent = slash < 0 ? "" : trimmed.substring(0, slash + 1);
        return file(parent + WHITEOUT_PREFIX + trimmed.substring(slash + 1), EntryContent.EMPTY);
    }

    /** The OCI opaque marker: hides everything lower layers have in {@code dir}. */
    public static LayerEntry opaque(String dir) {
        String trimmed = stripTrailingSlash(dir);
        return file((trimmed.isEmpty() ? "" : trimmed + "/") + OPAQUE_MARKER, EntryContent.EMPTY);
    }

    public LayerEntry withMode(int newMode) {
        return new LayerEntry(type, name, newMode, uid, gid, userName, groupName, mtime, content, linkTarget,
                devMajor, devMinor, xattrs, paxHeaders);
    }

    public LayerEntry withOwner(int newUid, int newGid) {
        return new LayerEntry(type, name, mode, newUid, newGid, userName, groupName, mtime, content, linkTarget,
                devMajor, devMinor, xattrs, paxHeaders);
    }

    public LayerEntry withOwnerNames(String newUserName, String newGroupName) {
        return new LayerEntry(type, name, mode, uid, gid, newUserName, newGroupName, mtime, content, linkTarget,
                devMajor, devMinor, xattrs, paxHeaders);
    }

    public LayerEntry withMtime(Instant newMtime) {
        return new LayerEntry(type, name, mode, uid, gid, userName, groupName, newMtime, content, linkTarget,
                devMajor, devMinor, xattrs, paxHeaders);
    }

    public LayerEntry withDevice(int major, int minor) {
        return new LayerEntry(type, name, mode, uid, gid, userName, groupName, mtime, content, linkTarget,
                major, minor, xattrs, paxHeaders);
    }

    public LayerEntry withXattr(String xattrName, byte[] value) {
        Map<String, byte[]> copy = new LinkedHashMap<>(xattrs);
        copy.put(xattrName, value.clone());
        return new LayerEntry(type, name, mode, uid, gid, userName, groupName, mtime, content, linkTarget,
                devMajor, devMinor, copy, paxHeaders);
    }

    public LayerEntry withXattr(String xattrName, String utf8Value) {
        return withXattr(xattrName, utf8Value.getBytes(StandardCharsets.UTF_8));
    }

    /** Any other PAX record for this entry (e.g. a hostile {@code path} override). */
    public LayerEntry withPaxHeader(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(paxHeaders);
        copy.put(key, value);
        return new LayerEntry(type, name, mode, uid, gid, userName, groupName, mtime, content, linkTarget,
                devMajor, devMinor, xattrs, copy);
    }

    private static String stripTrailingSlash(String path) {
        String trimmed = path;
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed;
    }
}
