package dev.cortado.runtime.streaming;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How an exec or attach ended, and the bytes its error stream carries: a Kubernetes Status
 * document for protocol v4 and later, a plain message (nothing on success) for older ones.
 *
 * @param exitCode the process's exit code, or -1 when it is unknown
 * @param error    why the session failed before or instead of an exit, or null
 */
public record ExitStatus(int exitCode, String error) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static ExitStatus exited(int code) {
        return new ExitStatus(code, null);
    }

    public static ExitStatus failed(String error) {
        return new ExitStatus(-1, error);
    }

    public boolean success() {
        return error == null && exitCode == 0;
    }

    public byte[] statusDocument(List<String> command) {
        ObjectNode status = JSON.createObjectNode();
        status.putObject("metadata");
        if (success()) {
            status.put("status", "Success");
        } else if (error != null) {
            status.put("status", "Failure");
            status.put("message", error);
            status.put("reason", "InternalError");
            status.put("code", 500);
        } else {
            status.put("status", "Failure");
            status.put("message", "command terminated with non-zero exit code: error executing command "
                    + command + ", exit code " + exitCode);
            status.put("reason", "NonZeroExitCode");
            ObjectNode details = status.putObject("details");
            ObjectNode cause = details.putArray("causes").addObject();
            cause.put("reason", "ExitCode");
            cause.put("message", Integer.toString(exitCode));
        }
        try {
            return JSON.writeValueAsBytes(status);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The pre-v4 error stream: empty on success. */
    public byte[] plainMessage() {
        if (success()) {
            return new byte[0];
        }
        String message = error != null ? error : "command terminated with non-zero exit code: " + exitCode;
        return message.getBytes(StandardCharsets.UTF_8);
    }
}
