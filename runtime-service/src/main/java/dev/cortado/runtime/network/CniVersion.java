package dev.cortado.runtime.network;

/** CNI spec versions ("0.3.1", "0.4.0", "1.0.0") compared as numbers, part by part. */
final class CniVersion {

    private CniVersion() {
    }

    /** Whether {@code version} is {@code minimum} or newer; an unparsable version counts as old. */
    static boolean atLeast(String version, String minimum) {
        int[] a = parts(version);
        int[] b = parts(minimum);
        for (int i = 0; i < 3; i++) {
            if (a[i] != b[i]) {
                return a[i] > b[i];
            }
        }
        return true;
    }

    private static int[] parts(String version) {
        int[] out = new int[3];
        if (version == null) {
            return out;
        }
        String[] split = version.trim().split("\\.");
        for (int i = 0; i < Math.min(3, split.length); i++) {
            try {
                out[i] = Integer.parseInt(split[i]);
            } catch (NumberFormatException e) {
                return new int[3];
            }
        }
        return out;
    }
}
