package dev.cortado.runtime.seccomp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigInteger;

/** A profile as config.json's {@code linux.seccomp} writes it (what {@code crictl inspect} shows). */
public final class OciSeccompJson {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final String[] FLAGS = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
            "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};

    private OciSeccompJson() {
    }

    public static ObjectNode render(SeccompProfile profile) {
        ObjectNode node = JSON.objectNode();
        action(node, "defaultAction", "defaultErrnoRet", profile.defaultAction());
        ArrayNode arches = node.putArray("architectures");
        for (SeccompArch arch : SeccompArch.values()) {
            if (profile.arches().contains(arch)) {
                arches.add(arch.profileName());
            }
        }
        if (profile.flags() != 0) {
            ArrayNode flags = node.putArray("flags");
            for (int bit = 0; bit < FLAGS.length; bit++) {
                if ((profile.flags() & 1 << bit) != 0) {
                    flags.add(FLAGS[bit]);
                }
            }
        }
        ArrayNode syscalls = node.putArray("syscalls");
        for (SyscallRule rule : profile.rules()) {
            ObjectNode entry = syscalls.addObject();
            rule.names().forEach(entry.putArray("names")::add);
            action(entry, "action", "errnoRet", rule.action());
            if (!rule.conditions().isEmpty()) {
                ArrayNode args = entry.putArray("args");
                for (ArgCondition condition : rule.conditions()) {
                    args.addObject()
                            .put("index", condition.index())
                            .put("value", unsigned(condition.value()))
                            .put("valueTwo", unsigned(condition.valueTwo()))
                            .put("op", "SCMP_CMP_" + condition.op().name());
                }
            }
        }
        return node;
    }

    private static void action(ObjectNode node, String field, String errnoField, SeccompAction action) {
        node.put(field, "SCMP_ACT_" + action.kind().name());
        if (action.kind() == SeccompAction.Kind.ERRNO || action.kind() == SeccompAction.Kind.TRACE) {
            node.put(errnoField, action.data());
        }
    }

    private static BigInteger unsigned(long value) {
        return new BigInteger(Long.toUnsignedString(value));
    }
}
