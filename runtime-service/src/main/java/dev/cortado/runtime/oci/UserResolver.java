package dev.cortado.runtime.oci;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Turns a {@link UserRequest} into ids with the image's own /etc/passwd and /etc/group, read
 * through {@link RootfsPath} so that the image's links cannot point the lookup at the host's
 * files. The rules are containerd's: a numeric user needs no passwd entry (its group is then 0),
 * a named one must have one; "user:group" takes each part as a number or looks it up by name; the
 * supplementary groups are the primary group, the groups /etc/group lists the user in (unless
 * the policy is Strict) and the requested supplemental groups.
 */
public final class UserResolver {

    /** Far above any real passwd; stops an image from making the daemon read a huge file. */
    static final int MAX_FILE_BYTES = 4 << 20;

    private final RootfsPath rootfs;

    public UserResolver(RootfsPath rootfs) {
        this.rootfs = rootfs;
    }

    public ResolvedUser resolve(UserRequest request) {
        UserDatabase db = new UserDatabase();
        Long numericUser = UserFiles.number(request.user());
        PasswdEntry entry;
        long uid;
        long gid;
        if (numericUser != null) {
            uid = numericUser;
            entry = db.passwd(request.userField()).stream().filter(e -> e.uid() == uid).findFirst().orElse(null);
            gid = entry == null ? 0 : entry.gid();
        } else {
            List<PasswdEntry> passwd = db.passwd(request.userField());
            entry = passwd.stream().filter(e -> e.name().equals(request.user())).findFirst().orElseThrow(() ->
                    InvalidField.of(request.userField(), "user \"" + request.user() + "\" not found in the image's "
                            + (db.hasPasswd() ? "/etc/passwd" : "/etc/passwd (the image has none)")));
            uid = entry.uid();
            gid = entry.gid();
        }
        if (request.group() != null) {
            gid = group(db, request);
        }
        TreeSet<Long> groups = new TreeSet<>();
        groups.add(gid);
        if (request.imageGroups() && entry != null) {
            String name = entry.name();
            db.groups(request.userField()).stream()
                    .filter(g -> g.members().contains(name))
                    .forEach(g -> groups.add(g.gid()));
        }
        groups.addAll(request.supplementalGroups());
        String home = entry == null || entry.home().isEmpty() ? "/" : entry.home();
        return new ResolvedUser(uid, gid, List.copyOf(groups), home);
    }

    private long group(UserDatabase db, UserRequest request) {
        Long numeric = UserFiles.number(request.group());
        if (numeric != null) {
            return numeric;
        }
        return db.groups(request.groupField()).stream()
                .filter(g -> g.name().equals(request.group()))
                .findFirst()
                .orElseThrow(() -> InvalidField.of(request.groupField(), "group \"" + request.group()
                        + "\" not found in the image's /etc/group" + (db.hasGroup() ? "" : " (the image has none)")))
                .gid();
    }

    /** The two files, each read at most once and only when the request needs it. */
    private final class UserDatabase {
        private List<PasswdEntry> passwd;
        private List<GroupEntry> groups;
        private boolean passwdPresent;
        private boolean groupPresent;

        List<PasswdEntry> passwd(String field) {
            if (passwd == null) {
                Optional<String> text = read("/etc/passwd", field);
                passwdPresent = text.isPresent();
                passwd = text.map(UserFiles::parsePasswd).orElse(List.of());
            }
            return passwd;
        }

        List<GroupEntry> groups(String field) {
            if (groups == null) {
                Optional<String> text = read("/etc/group", field);
                groupPresent = text.isPresent();
                groups = text.map(UserFiles::parseGroup).orElse(List.of());
            }
            return groups;
        }

        boolean hasPasswd() {
            return passwdPresent;
        }

        boolean hasGroup() {
            return groupPresent;
        }

        private Optional<String> read(String file, String field) {
            try {
                return rootfs.readRegularFile(file, MAX_FILE_BYTES)
                        .map(bytes -> new String(bytes, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw InvalidField.of(field, "cannot read the image's " + file + ": " + e.getMessage());
            }
        }
    }
}
