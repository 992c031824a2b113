package dev.cortado.hack.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of a minimal runnable root filesystem around Debian's static busybox: the binary,
 * applet symlinks, passwd/group, and the usual top-level directories.
 */
public final class BusyboxRootfs {
    /** Where Debian's busybox-static installs the binary. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    /** Applets linked in /bin (all present in Debian 12's busybox-static). */
    public static final List<String> APPLETS = List.of(
            "sh", "ash", "ls", "cat", "echo", "id", "sleep", "true", "false", "env", "mkdir", "rm", "rmdir",
            "touch", "stat", "httpd", "wget", "nc", "stty", "ps", "kill", "hostname", "cp", "mv", "ln", "chmod",
            "chown", "grep", "sed", "awk", "head", "tail", "wc", "date", "uname", "whoami", "test", "printf",
            "pwd", "readlink", "realpath", "find", "xargs", "tee", "sync", "mount", "umount", "ip", "ifconfig",
            "ping", "vi", "more", "sort", "uniq", "dd", "df", "du", "top", "free", "sha256sum", "md5sum", "tr",
            "cut", "seq", "expr", "basename", "dirname", "nslookup", "timeout", "mkfifo", "mknod", "nproc",
            "tar", "gzip", "gunzip", "diff", "cmp", "which", "base64", "hexdump", "od", "yes", "groups",
            "usleep", "watch", "getopt", "nsenter", "unshare", "tty", "uptime");

    public static final String PASSWD = "root:x:0:0:root:/root:/bin/sh\n"
            + "daemon:x:1:1:daemon:/usr/sbin:/bin/false\n"
            + "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";

    public static final String GROUP = "root:x:0:\n"
            + "daemon:x:1:\n"
            + "nogroup:x:65534:\n";

    /** Standard PATH for configs of images built on this root filesystem. */
    public static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private BusyboxRootfs() {
    }

    /** The base layer entries with the standard passwd and group files. */
    public static List<LayerEntry> entries() {
        return entries(PASSWD, GROUP);
    }

    /** The base layer entries with the given /etc/passwd and /etc/group. */
    public static List<LayerEntry> entries(String passwd, String group) {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new IllegalStateException(BUSYBOX + " is missing: install Debian's busybox-static package (hack/setup)");
        }
        List<LayerEntry> entries = new ArrayList<>();
        entries.add(LayerEntry.dir("bin"));
        entries.add(LayerEntry.file("bin/busybox", EntryContent.ofFile(BUSYBOX)).withMode(0755));
        for (String applet : APPLETS) {
            entries.add(LayerEntry.symlink("bin/" + applet, "busybox"));
        }
        entries.add(LayerEntry.dir("dev"));
        entries.add(LayerEntry.dir("etc"));
        entries.add(LayerEntry.file("etc/passwd", passwd));
        entries.add(LayerEntry.file("etc/group", group));
        entries.add(LayerEntry.dir("home"));
        entries.add(LayerEntry.dir("proc").withMode(0555));
        entries.add(LayerEntry.dir("root").withMode(0700));
        entries.add(LayerEntry.dir("sys").withMode(0555));
        entries.add(LayerEntry.dir("tmp").withMode(01777));
        entries.add(LayerEntry.dir("usr"));
        entries.add(LayerEntry.dir("usr/bin"));
        entries.add(LayerEntry.symlink("usr/bin/env", "/bin/busybox"));
        entries.add(LayerEntry.dir("var"));
        return entries;
    }

    /** The base layer, built in memory. */
    public static Layer layer(Compression compression) {
        return new LayerBuilder().addAll(entries()).build(compression);
    }
}
