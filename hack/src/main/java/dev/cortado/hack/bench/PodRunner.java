package dev.cortado.hack.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Runs one action over every pod on a fixed number of threads named after the job. */
final class PodRunner {
    private PodRunner() {
    }

    /**
     * What happened.
     *
     * @param failures the failures' messages, in the order they happened
     * @param skipped  pods not attempted because an earlier one failed
     * @param pods     how many pods there were
     */
    record Outcome(List<String> failures, int skipped, int pods) {
        /** Fails with the first failure, then how many pods failed {@code doing} what. */
        void throwIfFailed(String doing) {
            if (!failures.isEmpty()) {
                throw new BenchmarkException(failures.get(0) + " (" + failures.size() + " of " + pods + " pods failed "
                        + doing + (skipped > 0 ? ", " + skipped + " not attempted" : "") + ")");
            }
        }
    }

    /**
     * Applies {@code action} to every pod, {@code parallel} at a time, and waits for all. With
     * {@code stopOnFailure}, pods not yet begun are skipped once one fails: a broken runtime
     * should fail fast rather than N times.
     */
    static Outcome forEach(List<BenchPod> pods, int parallel, String job, boolean stopOnFailure,
                           Consumer<BenchPod> action) {
        List<String> failures = new ArrayList<>();
        AtomicBoolean failed = new AtomicBoolean();
        AtomicInteger skipped = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(Math.min(parallel, Math.max(pods.size(), 1)),
                named(job));
        try {
            for (BenchPod pod : pods) {
                threads.execute(() -> {
                    if (stopOnFailure && failed.get()) {
                        skipped.incrementAndGet();
                        return;
                    }
                    try {
                        action.accept(pod);
                    } catch (RuntimeException e) {
                        failed.set(true);
                        synchronized (failures) {
                            failures.add(e.getMessage() == null ? e.toString() : e.getMessage());
                        }
                    }
                });
            }
        } finally {
            threads.shutdown();
            awaitTermination(threads, job);
        }
        synchronized (failures) {
            return new Outcome(List.copyOf(failures), skipped.get(), pods.size());
        }
    }

    private static void awaitTermination(ExecutorService threads, String job) {
        try {
            while (!threads.awaitTermination(1, TimeUnit.MINUTES)) {
                System.err.println("LifecycleBenchmark: still waiting for the " + job + " threads");
            }
        } catch (InterruptedException e) {
            threads.shutdownNow();
            Thread.currentThread().interrupt();
            throw new BenchmarkException("interrupted while the " + job + " threads ran");
        }
    }

    private static ThreadFactory named(String job) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, job + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
