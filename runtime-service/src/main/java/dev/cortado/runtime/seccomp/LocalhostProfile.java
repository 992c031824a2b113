package dev.cortado.runtime.seccomp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a seccomp profile from a node file in the format Docker, containerd and the OCI spec
 * share: {@code defaultAction}, {@code defaultErrnoRet}, {@code architectures} or
 * {@code archMap}, {@code flags}, and {@code syscalls[]} with {@code names} (or {@code name}),
 * {@code action}, {@code errnoRet}, {@code args[]} and Docker's {@code includes}/{@code excludes}
 * (capabilities, architectures, minimum kernel). Every problem is an
 * {@link IllegalArgumentException} that says where in the file it is.
 */
public final class LocalhostProfile {

    private final ObjectMapper json = new ObjectMapper();
    private final KernelVersion kernel;

    public LocalhostProfile(KernelVersion kernel) {
        this.kernel = kernel;
    }

    /** The profile at {@code file} for a container whose bounding capability set is {@code bounding}. */
    public SeccompProfile read(Path file, long bounding) {
        JsonNode root;
        try {
            root = json.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("the profile " + file + " does not exist");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the profile " + file + " is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException("the profile " + file + " cannot be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the profile " + file + " is not a JSON object");
        }
        try {
            return parse(root, bounding);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the profile " + file + ": " + e.getMessage(), e);
        }
    }

    SeccompProfile parse(JsonNode root, long bounding) {
        if (!root.path("listenerPath").asText("").isEmpty()) {
            throw new IllegalArgumentException("listenerPath: seccomp notification agents are not supported");
        }
        SeccompAction defaultAction = ProfileActions.parse("defaultAction", text(root, "defaultAction"),
                root.get("defaultErrnoRet"), "defaultErrnoRet");
        Set<SeccompArch> arches = arches(root);
        int flags = ProfileActions.flags(root.get("flags"));
        List<SyscallRule> rules = new ArrayList<>();
        JsonNode syscalls = root.path("syscalls");
        if (!syscalls.isMissingNode() && !syscalls.isNull() && !syscalls.isArray()) {
            throw new IllegalArgumentException("syscalls: not a list");
        }
        for (int i = 0; i < syscalls.size(); i++) {
            String where = "syscalls[" + i + "]";
            JsonNode entry = syscalls.get(i);
            if (!entry.isObject()) {
                throw new IllegalArgumentException(where + ": not an object");
            }
            if (applies(entry, bounding, where)) {
                rules.add(rule(entry, where));
            }
        }
        return new SeccompProfile(defaultAction, arches, rules, flags);
    }

    /** The native ABI always (libseccomp filters it in any case), and the listed ones this node runs. */
    private static Set<SeccompArch> arches(JsonNode root) {
        Set<SeccompArch> arches = EnumSet.of(SeccompArch.X86_64);
        for (JsonNode name : root.path("architectures")) {
            SeccompArch.ofProfileName(name.asText()).ifPresent(arches::add);
        }
        for (JsonNode entry : root.path("archMap")) {
            if (SeccompArch.X86_64.profileName().equals(entry.path("architecture").asText())) {
                for (JsonNode sub : entry.path("subArchitectures")) {
                    SeccompArch.ofProfileName(sub.asText()).ifPresent(arches::add);
                }
            }
        }
        return arches;
    }

    private SyscallRule rule(JsonNode entry, String where) {
        List<String> names = new ArrayList<>();
        for (JsonNode name : entry.path("names")) {
            names.add(name.asText());
        }
        if (entry.hasNonNull("name")) {
            names.add(entry.get("name").asText());
        }
        if (names.isEmpty() || names.stream().anyMatch(String::isEmpty)) {
            throw new IllegalArgumentException(where + ": no syscall names (\"names\": [...])");
        }
        SeccompAction action = ProfileActions.parse(where + ".action", text(entry, "action"), entry.get("errnoRet"),
                where + ".errnoRet");
        List<ArgCondition> conditions = new ArrayList<>();
        JsonNode args = entry.path("args");
        for (int a = 0; a < args.size(); a++) {
            conditions.add(condition(args.get(a), where + ".args[" + a + "]"));
        }
        return new SyscallRule(names, action, conditions);
    }

    private static ArgCondition condition(JsonNode arg, String where) {
        int index = (int) ProfileActions.number(arg.get("index"), where + ".index", 0, ArgCondition.ARGS - 1);
        long value = ProfileActions.u64(arg.get("value"), where + ".value");
        long valueTwo = ProfileActions.u64(arg.get("valueTwo"), where + ".valueTwo");
        CompareOp op;
        try {
            op = CompareOp.parse(text(arg, "op"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ".op: " + e.getMessage());
        }
        return new ArgCondition(index, op, value, valueTwo);
    }

    /** Docker's includes/excludes, decided for this node (amd64) and the container's capabilities. */
    private boolean applies(JsonNode entry, long bounding, String where) {
        JsonNode includes = entry.path("includes");
        JsonNode excludes = entry.path("excludes");
        if (includes.path("arches").size() > 0 && !listsAmd64(includes.path("arches"))) {
            return false;
        }
        if (listsAmd64(excludes.path("arches"))) {
            return false;
        }
        for (JsonNode cap : includes.path("caps")) {
            if ((bounding & ProfileActions.capability(cap.asText(), where + ".includes.caps")) == 0) {
                return false;
            }
        }
        for (JsonNode cap : excludes.path("caps")) {
            if ((bounding & ProfileActions.capability(cap.asText(), where + ".excludes.caps")) != 0) {
                return false;
            }
        }
        String minKernel = includes.path("minKernel").asText("");
        return minKernel.isEmpty() || kernel.atLeast(minKernel, where + ".includes.minKernel");
    }

    private static boolean listsAmd64(JsonNode arches) {
        for (JsonNode arch : arches) {
            if (arch.asText().equals("amd64")) {
                return true;
            }
        }
        return false;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException(field + ": missing");
        }
        return value.asText();
    }
}
