package dev.flowstage.agent.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProblemLogTest {
    private final List<String> lines = new ArrayList<>();
    private final ProblemLog log = new ProblemLog(new ProblemLog.Sink() {
        @Override
        public void warn(String line) {
            lines.add("WARN " + line);
        }

        @Override
        public void info(String line) {
            lines.add("INFO " + line);
        }
    });

    @Test
    void aFailureIsLoggedOnceHoweverOftenItIsRetried() {
        for (int i = 0; i < 100; i++) {
            log.failure("away", "the server is not reachable");
        }
        assertThat(lines).containsExactly("WARN the server is not reachable (retrying with backoff; logged again only when it changes)");
        assertThat(log.failing()).isTrue();
    }

    @Test
    void aChangedFailureIsLoggedAndRecoveryOnce() {
        log.failure("away", "the server is not reachable");
        log.failure("away", "fetching from the server failed: connection refused"); // same state, another call
        log.failure("token", "the server refused the device token (401)");
        log.failure("token", "the server refused the device token (401)");
        log.recovered("talking to the server works");
        log.recovered("talking to the server works");
        assertThat(lines).hasSize(3); // one per state, one for the recovery
        assertThat(lines.get(1)).startsWith("WARN the server refused the device token (401)");
        assertThat(lines.get(2)).isEqualTo("INFO talking to the server works again, after 2 failed attempts"
                + " (last: the server refused the device token (401))");
        assertThat(log.failing()).isFalse();
    }

    @Test
    void nothingIsLoggedWhileAllIsWell() {
        log.recovered("talking to the server works");
        assertThat(lines).isEmpty();
    }
}
