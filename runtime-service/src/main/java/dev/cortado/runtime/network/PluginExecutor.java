package dev.cortado.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Executes one CNI plugin binary: the CNI variables in its environment, its configuration on
 * stdin, its result (or CNI error) from stdout. stdout and stderr go to files rather than pipes,
 * so a plugin that hangs with its output open cannot block the daemon past the timeout.
 */
final class PluginExecutor {

    private final Path scratchDir;
    private final Duration timeout;
    private final ObjectMapper json = new ObjectMapper();

    PluginExecutor(Path scratchDir, Duration timeout) {
        this.scratchDir = scratchDir;
        this.timeout = timeout;
    }

    /** Runs the plugin; returns its stdout parsed as JSON (null when it printed nothing, as DEL may). */
    JsonNode run(String type, Path binary, PluginCall call, byte[] stdin) throws CniPluginException, IOException {
        Files.createDirectories(scratchDir);
        Path out = Files.createTempFile(scratchDir, type + "-", ".out");
        Path err = Files.createTempFile(scratchDir, type + "-", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(binary.toString())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            Map<String, String> env = builder.environment();
            env.put("CNI_COMMAND", call.command());
            env.put("CNI_CONTAINERID", call.containerId());
            env.put("CNI_NETNS", call.netns());
            env.put("CNI_IFNAME", call.ifName());
            env.put("CNI_ARGS", call.args());
            env.put("CNI_PATH", call.cniPath());
            env.putIfAbsent("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new CniPluginException(type, 0, "cannot execute " + binary + ": " + e.getMessage(), "");
            }
            try (OutputStream input = process.getOutputStream()) {
                input.write(stdin);
            } catch (IOException ignored) {
                // a plugin may exit without reading its input; its exit status says what happened
            }
            boolean ended;
            try {
                ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while plugin " + type + " ran " + call.command(), e);
            }
            if (!ended) {
                process.destroyForcibly();
                throw new CniPluginException(type, 0, call.command() + " did not finish within " + timeout.toSeconds()
                        + " s; killed", "");
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8).trim();
            String stderr = Files.readString(err, StandardCharsets.UTF_8).trim();
            if (process.exitValue() != 0) {
                throw failure(type, call, process.exitValue(), stdout, stderr);
            }
            if (stdout.isEmpty()) {
                return null;
            }
            try {
                return json.readTree(stdout);
            } catch (IOException e) {
                throw new CniPluginException(type, 0, call.command() + " printed output that is not JSON: "
                        + abbreviate(stdout), stderr);
            }
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** The plugin's CNI error when it printed one, else its exit status and stderr. */
    private CniPluginException failure(String type, PluginCall call, int exit, String stdout, String stderr) {
        try {
            JsonNode error = stdout.isEmpty() ? null : json.readTree(stdout);
            if (error != null && error.has("msg")) {
                return new CniPluginException(type, error.path("code").asInt(0), error.path("msg").asText(),
                        error.path("details").asText(""));
            }
        } catch (IOException notJson) {
            // fall through to the raw output
        }
        String said = !stderr.isEmpty() ? stderr : stdout;
        return new CniPluginException(type, 0, call.command() + " exited " + exit
                + (said.isEmpty() ? " without a message" : ": " + abbreviate(said)), "");
    }

    private static String abbreviate(String text) {
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "...";
    }
}
