package dev.cortado.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The fields of /proc/<pid>/stat the tests look at. */
record ProcStat(char state, long ppid, long pgrp, long session) {
    static ProcStat of(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // the command name may hold spaces and parentheses; the fields follow the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new ProcStat(f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
    }

    /** Gone, or a zombie nobody reaps (on these machines pid 1 does not reap orphans). */
    static boolean exited(long pid) {
        try {
            return of(pid).state() == 'Z';
        } catch (IOException e) {
            return true;
        }
    }

    /** Polls {@code condition} every 10 ms for up to {@code limit}; whether it became true. */
    static boolean eventually(Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }
}
