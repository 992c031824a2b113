package dev.cortado.cri.v1;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The upstream CRI v1 wire facts (test resource {@code cri-v1-facts.txt}) read into plain
 * values, so the tests can compare them with what protoc generated from our .proto.
 */
final class CriFacts {

    record Rpc(String service, String name, String input, String output, boolean serverStreaming) {
    }

    record Field(int number, String label, String type, String name) {
    }

    /** Messages and enums by dotted name inside the package, e.g. {@code SecurityProfile.ProfileType}. */
    final Map<String, List<Field>> messages = new LinkedHashMap<>();
    final Map<String, Map<String, Integer>> enums = new LinkedHashMap<>();
    final List<Rpc> rpcs = new ArrayList<>();
    String packageName;

    private static final Pattern RPC = Pattern.compile("rpc (\\w+)\\((\\w+)\\) -> \\((stream )?(\\w+)\\)");
    private static final Pattern FIELD = Pattern.compile("(\\d+) (repeated |optional )?(\\[[^]]*] )?(\\S+) (\\w+)");

    static CriFacts load() throws IOException {
        try (InputStream in = CriFacts.class.getResourceAsStream("/cri-v1-facts.txt")) {
            if (in == null) {
                throw new IOException("test resource cri-v1-facts.txt is missing");
            }
            CriFacts facts = new CriFacts();
            facts.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            return facts;
        }
    }

    private record Scope(int indent, String kind, String name) {
    }

    private void parse(String text) {
        Deque<Scope> scopes = new ArrayDeque<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            String body = line.strip();
            if (body.startsWith("package ")) {
                packageName = body.substring("package ".length());
                continue;
            }
            while (!scopes.isEmpty() && scopes.peek().indent() >= indent) {
                scopes.pop();
            }
            String[] words = body.split(" ");
            if (words.length == 2 && (words[0].equals("message") || words[0].equals("enum")
                    || words[0].equals("service"))) {
                String name = scopes.isEmpty() ? words[1] : scopes.peek().name() + "." + words[1];
                scopes.push(new Scope(indent, words[0], name));
                if (words[0].equals("message")) {
                    messages.put(name, new ArrayList<>());
                } else if (words[0].equals("enum")) {
                    enums.put(name, new LinkedHashMap<>());
                }
                continue;
            }
            Scope scope = scopes.peek();
            switch (scope.kind()) {
                case "service" -> {
                    Matcher m = RPC.matcher(body);
                    if (!m.matches()) {
                        throw new IllegalStateException("unreadable rpc line: " + body);
                    }
                    rpcs.add(new Rpc(scope.name(), m.group(1), m.group(2), m.group(4), m.group(3) != null));
                }
                case "enum" -> enums.get(scope.name()).put(words[1], Integer.parseInt(words[0]));
                default -> {
                    Matcher m = FIELD.matcher(body);
                    if (!m.matches()) {
                        throw new IllegalStateException("unreadable field line: " + body);
                    }
                    String label = m.group(2) == null ? "" : m.group(2).strip();
                    messages.get(scope.name()).add(new Field(Integer.parseInt(m.group(1)), label, m.group(4), m.group(5)));
                }
            }
        }
    }
}
