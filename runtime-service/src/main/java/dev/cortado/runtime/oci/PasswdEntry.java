package dev.cortado.runtime.oci;

/** One line of an image's /etc/passwd, the fields a runtime uses. */
public record PasswdEntry(String name, long uid, long gid, String home) {
}
