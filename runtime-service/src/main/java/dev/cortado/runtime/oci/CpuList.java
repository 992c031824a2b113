package dev.cortado.runtime.oci;

/** Checks the kernel's list syntax for cpuset.cpus and cpuset.mems: "0-3,5,7-8". */
final class CpuList {

    /** Far beyond any machine (the kernel's NR_CPUS tops out at 8192); stops absurd input. */
    static final int MAX_INDEX = 65535;

    private CpuList() {
    }

    static String check(String field, String list) {
        if (list.isEmpty()) {
            return list;
        }
        for (String item : list.split(",", -1)) {
            String[] bounds = item.trim().split("-", -1);
            if (bounds.length > 2) {
                throw bad(field, list);
            }
            int low = index(field, list, bounds[0]);
            int high = bounds.length == 2 ? index(field, list, bounds[1]) : low;
            if (high < low) {
                throw InvalidField.of(field, "\"" + list + "\": range " + item.trim() + " runs backwards");
            }
        }
        return list;
    }

    private static int index(String field, String list, String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
            throw bad(field, list);
        }
        int value = Integer.parseInt(text);
        if (value > MAX_INDEX) {
            throw InvalidField.of(field, "\"" + list + "\": " + value + " is beyond any machine");
        }
        return value;
    }

    private static IllegalArgumentException bad(String field, String list) {
        return InvalidField.of(field, "\"" + list + "\" is not a list like \"0-3,5\"");
    }
}
