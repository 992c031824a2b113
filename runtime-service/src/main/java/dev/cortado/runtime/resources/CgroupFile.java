package dev.cortado.runtime.resources;

import java.util.Objects;

/**
 * One control file to write for a limit.
 *
 * @param controller the controller owning the file ("cpu", "memory", "pids"): on cgroup v1 it
 *                   picks the hierarchy; on v2 every file is in the one directory
 * @param name       the file's name in the cgroup directory ("cpu.max")
 * @param value      what to write, exactly
 * @param field      the CRI field the value came from, for error messages
 */
public record CgroupFile(String controller, String name, String value, String field) {

    public CgroupFile {
        Objects.requireNonNull(controller, "controller");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(field, "field");
    }

    /** The controller a cgroup file name belongs to: "memory" of "memory.high". */
    public static String controllerOf(String name) {
        int dot = name.indexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }
}
