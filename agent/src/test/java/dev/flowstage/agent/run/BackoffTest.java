package dev.flowstage.agent.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void delaysDoubleWithJitterUpToTheCap() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(42));
        long[] caps = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000};
        for (long cap : caps) {
            long d = b.next().toMillis();
            assertThat(d).isBetween(cap / 2, cap);
        }
        assertThat(b.failures()).isEqualTo(caps.length);
    }

    @Test
    void resetStartsOverAfterASuccess() {
        Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(1));
        for (int i = 0; i < 10; i++) {
            b.next();
        }
        b.reset();
        assertThat(b.next().toMillis()).isBetween(500L, 1000L);
    }

    @Test
    void devicesThatFailTogetherDoNotRetryTogether() {
        Set<Long> fifthDelays = new HashSet<>();
        for (int device = 0; device < 20; device++) {
            Backoff b = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new Random(device));
            for (int i = 0; i < 4; i++) {
                b.next();
            }
            fifthDelays.add(b.next().toMillis());
        }
        assertThat(fifthDelays).hasSizeGreaterThan(15);
    }

    @Test
    void manyFailuresDoNotOverflow() {
        Backoff b = new Backoff(Duration.ofMillis(1), Duration.ofMinutes(5), new Random(7));
        for (int i = 0; i < 200; i++) {
            assertThat(b.next()).isBetween(Duration.ZERO, Duration.ofMinutes(5));
        }
        assertThat(b.cap(200)).isEqualTo(Duration.ofMinutes(5).toMillis());
    }

    @Test
    void nonsenseBoundsAreRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), new Random()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), new Random()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
