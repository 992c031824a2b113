package dev.cortado.runtime.seccomp;

/** The running kernel's major.minor, for profile rules that need a minimum kernel. */
public record KernelVersion(int major, int minor) {

    /** From a release string such as {@code 6.18.3-amd64}. */
    public static KernelVersion parse(String release) {
        String[] parts = release.split("[.\\-+]");
        try {
            return new KernelVersion(Integer.parseInt(parts[0]), parts.length > 1 ? Integer.parseInt(parts[1]) : 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + release + "\" is not a kernel version");
        }
    }

    /** The kernel this JVM runs on. */
    public static KernelVersion running() {
        return parse(System.getProperty("os.version"));
    }

    boolean atLeast(String minimum, String where) {
        KernelVersion wanted;
        try {
            wanted = parse(minimum);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        return major != wanted.major ? major > wanted.major : minor >= wanted.minor;
    }
}
