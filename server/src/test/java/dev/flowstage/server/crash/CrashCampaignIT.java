package dev.flowstage.server.crash;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash campaign: for each kind of work, {@code crash.trials} (default 20) kill -9s of the real
 * server at a random, seeded point of that work, each followed by a restart and the checks of
 * {@link Invariants} plus the scenario's own (no acknowledged write lost). Not part of the default
 * build: run it with {@code mvn -B -pl server -am verify -Pcrash-campaign} or {@code bench/crash.sh}.
 */
class CrashCampaignIT {
    @TempDir
    Path tmp;

    @Test
    void push() throws Exception {
        Campaign.run("push", 0, new PushScenario(), tmp, Campaign.TRIALS);
    }

    @Test
    void promotion() throws Exception {
        Campaign.run("promotion", 1, new PromotionScenario(), tmp, Campaign.TRIALS);
    }

    @Test
    void review() throws Exception {
        Campaign.run("review", 2, new ReviewScenario(), tmp, Campaign.TRIALS);
    }

    @Test
    void metadata() throws Exception {
        Campaign.run("metadata", 3, new MetadataScenario(), tmp, Campaign.TRIALS);
    }

    @Test
    void gc() throws Exception {
        Campaign.run("gc", 4, new GcScenario(), tmp, Campaign.TRIALS);
    }
}
