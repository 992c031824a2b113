package dev.cortado.runtime.oci;

import dev.cortado.image.manifest.ExecutionConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The container's argv, by the kubelet's rules: a pod's {@code command} replaces the image's
 * Entrypoint and, with it, the image's Cmd; {@code args} alone replace only the Cmd. An image
 * Entrypoint of exactly {@code [""]} means "no entrypoint" (what {@code ENTRYPOINT []} leaves).
 */
public final class CommandLine {

    private CommandLine() {
    }

    public static List<String> resolve(List<String> command, List<String> args, ExecutionConfig image) {
        List<String> argv = new ArrayList<>();
        List<String> origin = new ArrayList<>();
        if (!command.isEmpty()) {
            add(argv, origin, command, "command");
            add(argv, origin, args, "args");
        } else {
            List<String> entrypoint = image.entrypoint();
            if (entrypoint != null && !entrypoint.equals(List.of(""))) {
                add(argv, origin, entrypoint, "image Entrypoint");
            }
            if (!args.isEmpty()) {
                add(argv, origin, args, "args");
            } else if (image.cmd() != null) {
                add(argv, origin, image.cmd(), "image Cmd");
            }
        }
        if (argv.isEmpty()) {
            throw InvalidField.of("command", "no command to run: the container sets neither command nor args, "
                    + "and the image has neither Entrypoint nor Cmd");
        }
        for (int i = 0; i < argv.size(); i++) {
            InvalidField.noNul(origin.get(i), argv.get(i));
        }
        if (argv.get(0).isEmpty()) {
            throw InvalidField.of(origin.get(0), "the program to run (argv[0]) is an empty string");
        }
        return List.copyOf(argv);
    }

    private static void add(List<String> argv, List<String> origin, List<String> part, String name) {
        for (int i = 0; i < part.size(); i++) {
            argv.add(part.get(i));
            origin.add(name + "[" + i + "]");
        }
    }
}
