package dev.flowstage.server.crash;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one scenario's trials: a kill -9 at a random, seeded point of its work, a restart, and the
 * checks. The seed is printed and replayed with {@code -Dcrash.seed=}; {@code -Dcrash.trials=} sets
 * the number of trials (default 20). Replaying a seed repeats the kill delays; the timing of the
 * work itself still varies from run to run.
 */
final class Campaign {
    static final long SEED = Long.getLong("crash.seed", new SecureRandom().nextLong());
    static final int TRIALS = Integer.getInteger("crash.trials", 20);
    /** A floor for the kill window, so a round that was very quick once still spreads the kills. */
    private static final long MIN_WINDOW_NANOS = 50_000_000L;

    private Campaign() {}

    /** Runs {@code trials} trials of {@code scenario} in {@code tmp}; fails listing every unclean trial. */
    static void run(String kind, int index, Scenario scenario, Path tmp, int trials) throws Exception {
        System.out.printf("[crash %s] seed %d (replay with -Dcrash.seed=%d), %d trials%n", kind, SEED, SEED, trials);
        Random random = new Random(SEED ^ (0x9E3779B97F4A7C15L * (index + 1)));
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        ExecutorService loop = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "crash-" + kind);
            t.setDaemon(true);
            return t;
        });
        try (CrashRig rig = new CrashRig(tmp, scenario.serverArgs())) {
            rig.start();
            scenario.setup(rig);
            long[] window = new long[scenario.modes()];
            for (int m = 0; m < window.length; m++) {
                scenario.prepare(rig, m);
                long t0 = System.nanoTime();
                scenario.round(rig, m);
                long round = System.nanoTime() - t0;
                window[m] = Math.max(MIN_WINDOW_NANOS, (long) (round * scenario.window()));
                System.out.printf("[crash %s] calibration %s: one round %d ms, kill window %d ms%n", kind,
                        scenario.modeName(m), round / 1_000_000, window[m] / 1_000_000);
            }
            List<String> calibration = new ArrayList<>(rig.takeAnomalies());
            calibration.addAll(scenario.verify(rig));
            if (!calibration.isEmpty()) {
                throw new AssertionError("[crash " + kind + "] not clean before any kill: " + calibration);
            }
            for (int trial = 1; trial <= trials; trial++) {
                int mode = (trial - 1) % window.length;
                long delay = (long) (random.nextDouble() * window[mode]);
                scenario.prepare(rig, mode);
                AtomicBoolean stop = new AtomicBoolean();
                Future<?> work = loop.submit(() -> {
                    while (!stop.get()) {
                        try {
                            scenario.round(rig, mode);
                        } catch (Throwable t) {
                            rig.anomaly(System.nanoTime(), "round failed: " + t);
                            return;
                        }
                    }
                });
                TimeUnit.NANOSECONDS.sleep(delay);
                String seen = scenario.observe(rig);
                stop.set(true);
                rig.kill();
                work.get(180, TimeUnit.SECONDS);
                long t0 = System.nanoTime();
                rig.start();
                rig.awaitRecovery();
                long restart = (System.nanoTime() - t0) / 1_000_000;
                List<String> problems = new ArrayList<>(rig.takeAnomalies());
                problems.addAll(Invariants.fsckAll(rig));
                problems.addAll(scenario.verify(rig));
                String what = String.format("trial %d/%d %s kill at %d of %d ms%s", trial, trials,
                        scenario.modeName(mode), delay / 1_000_000, window[mode] / 1_000_000,
                        seen == null ? "" : " (" + seen + ")");
                if (problems.isEmpty()) {
                    System.out.printf("[crash %s] %s: clean (restart and recovery %d ms)%n", kind, what, restart);
                } else {
                    String report = "[crash " + kind + "] " + what + ": " + String.join("\n  ", problems);
                    System.out.println(report);
                    failures.add(report + "\n--- server log (tail):\n" + rig.logTail(40));
                }
            }
        } finally {
            loop.shutdownNow();
        }
        System.out.printf("[crash %s] %d trials, %d unclean, %d s (seed %d)%n", kind, trials, failures.size(),
                (System.nanoTime() - started) / 1_000_000_000L, SEED);
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " of " + trials + " " + kind + " trials unclean (replay with -Dcrash.seed="
                    + SEED + "):\n" + String.join("\n\n", failures));
        }
    }
}
