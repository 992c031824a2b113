package dev.cortado.runtime.network;

/**
 * A plugin that failed: its CNI error (code, msg, details) as it printed them, or what went
 * wrong around it (not executable, timed out, unparsable output).
 */
public final class CniPluginException extends Exception {

    private final String plugin;
    private final int code;
    private final String msg;
    private final String details;

    CniPluginException(String plugin, int code, String msg, String details) {
        super("plugin " + plugin + ": " + msg + (details.isEmpty() ? "" : " (" + details + ")")
                + (code > 0 ? " [CNI error code " + code + "]" : ""));
        this.plugin = plugin;
        this.code = code;
        this.msg = msg;
        this.details = details;
    }

    public String plugin() {
        return plugin;
    }

    /** The CNI error code; 0 when the failure was not reported by the plugin itself. */
    public int code() {
        return code;
    }

    /** The plugin's own message, verbatim. */
    public String msg() {
        return msg;
    }

    public String details() {
        return details;
    }
}
