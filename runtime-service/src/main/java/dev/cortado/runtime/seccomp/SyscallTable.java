package dev.cortado.runtime.seccomp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Syscall names to the numbers a filter sees, per ABI, from the kernel's uapi headers (kept as
 * resources next to this class). A name an ABI lacks has no number there, and a profile rule
 * naming it is skipped for that ABI, as libseccomp does.
 */
public final class SyscallTable {

    private final Map<SeccompArch, Map<String, Integer>> numbers = new EnumMap<>(SeccompArch.class);

    private SyscallTable() {
    }

    /** Reads the tables shipped with the runtime. */
    public static SyscallTable load() {
        SyscallTable table = new SyscallTable();
        for (SeccompArch arch : SeccompArch.values()) {
            table.numbers.put(arch, read(arch));
        }
        return table;
    }

    /** The number in {@code seccomp_data.nr} (x32's bit included), or empty when the ABI lacks the call. */
    public OptionalInt number(SeccompArch arch, String name) {
        Integer nr = numbers.get(arch).get(name);
        return nr == null ? OptionalInt.empty() : OptionalInt.of(nr | arch.nrBit());
    }

    /** Every name the ABI has, sorted. */
    public List<String> namesOf(SeccompArch arch) {
        return numbers.get(arch).keySet().stream().sorted().toList();
    }

    /** Whether any ABI this runtime knows has a syscall of this name. */
    public boolean known(String name) {
        return numbers.values().stream().anyMatch(m -> m.containsKey(name));
    }

    private static Map<String, Integer> read(SeccompArch arch) {
        Map<String, Integer> byName = new HashMap<>();
        try (InputStream in = SyscallTable.class.getResourceAsStream(arch.table())) {
            if (in == null) {
                throw new IllegalStateException("the syscall table " + arch.table() + " is missing from the runtime");
            }
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] fields = line.trim().split("\\s+");
                byName.put(fields[0], Integer.parseInt(fields[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the syscall table " + arch.table(), e);
        }
        return Map.copyOf(byName);
    }
}
