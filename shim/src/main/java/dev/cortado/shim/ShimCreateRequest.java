package dev.cortado.shim;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The arguments of {@code cortado-shim create}. Paths must be absolute: the shim changes to "/"
 * before it uses them.
 *
 * @param bundle   the container's directory (the shim writes shim.pid there)
 * @param plan     the init plan file
 * @param socket   the control socket to create
 * @param log      the CRI log file, or null for none ({@code --log -})
 * @param exitFile where the exit status is recorded
 */
public record ShimCreateRequest(String id, Path bundle, Path plan, Path socket, Path log, Path exitFile) {
    /** sun_path holds 108 bytes including the terminating NUL. */
    static final int SOCKET_PATH_BYTES = 107;

    public ShimCreateRequest {
        if (id == null || id.isEmpty() || id.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("shim id " + id + " is empty or holds a NUL");
        }
        requireAbsolute("bundle", bundle);
        requireAbsolute("plan", plan);
        requireAbsolute("socket", socket);
        requireAbsolute("exit file", exitFile);
        if (log != null) {
            requireAbsolute("log", log);
        }
        int socketBytes = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (socketBytes > SOCKET_PATH_BYTES) {
            throw new IllegalArgumentException("shim socket path " + socket + " is " + socketBytes
                    + " bytes; a unix socket path holds at most " + SOCKET_PATH_BYTES);
        }
    }

    private static void requireAbsolute(String what, Path path) {
        if (path == null || !path.isAbsolute()) {
            throw new IllegalArgumentException("shim " + what + " path " + path + " must be absolute");
        }
    }
}
