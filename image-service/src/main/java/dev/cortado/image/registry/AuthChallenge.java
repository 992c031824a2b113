package dev.cortado.image.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One challenge of a {@code WWW-Authenticate} header: a scheme ({@code basic}, {@code bearer},
 * lower-cased) and its parameters (names lower-cased, values as sent). Quoted values may hold
 * commas and backslash escapes, and one header may carry several challenges.
 */
record AuthChallenge(String scheme, Map<String, String> parameters) {

    AuthChallenge {
        parameters = Map.copyOf(parameters);
    }

    String parameter(String name) {
        return parameters.get(name);
    }

    /** Every challenge in the given header values; unparseable tails are dropped, not fatal. */
    static List<AuthChallenge> parseAll(List<String> headerValues) {
        List<AuthChallenge> challenges = new ArrayList<>();
        for (String value : headerValues) {
            new Parser(value).parseInto(challenges);
        }
        return challenges;
    }

    /** A small hand-written scanner: the grammar (RFC 7235) is too irregular for a split on commas. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        void parseInto(List<AuthChallenge> out) {
            String scheme = null;
            Map<String, String> params = new LinkedHashMap<>();
            while (true) {
                skipSeparators();
                if (pos >= text.length()) {
                    break;
                }
                String token = token();
                if (token.isEmpty()) {
                    break;
                }
                skipSpaces();
                if (pos < text.length() && text.charAt(pos) == '=' && scheme != null) {
                    pos++;
                    skipSpaces();
                    params.put(token.toLowerCase(Locale.ROOT), value());
                } else {
                    if (scheme != null) {
                        out.add(new AuthChallenge(scheme, params));
                    }
                    scheme = token.toLowerCase(Locale.ROOT);
                    params = new LinkedHashMap<>();
                }
            }
            if (scheme != null) {
                out.add(new AuthChallenge(scheme, params));
            }
        }

        private void skipSeparators() {
            while (pos < text.length() && (text.charAt(pos) == ',' || Character.isWhitespace(text.charAt(pos)))) {
                pos++;
            }
        }

        private void skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private String token() {
            int start = pos;
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c == '=' || c == ',' || c == '"' || Character.isWhitespace(c)) {
                    break;
                }
                pos++;
            }
            return text.substring(start, pos);
        }

        private String value() {
            if (pos < text.length() && text.charAt(pos) == '"') {
                pos++;
                StringBuilder out = new StringBuilder();
                while (pos < text.length() && text.charAt(pos) != '"') {
                    char c = text.charAt(pos++);
                    if (c == '\\' && pos < text.length()) {
                        c = text.charAt(pos++);
                    }
                    out.append(c);
                }
                pos++;
                return out.toString();
            }
            return token();
        }
    }
}
