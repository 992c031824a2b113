package dev.cortado.runtime.service;

import java.util.Map;

/** CRI label selectors: every key of the selector must be present with the same value. */
final class LabelSelector {

    private LabelSelector() {
    }

    static boolean matches(Map<String, String> selector, Map<String, String> labels) {
        for (Map.Entry<String, String> wanted : selector.entrySet()) {
            if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
