package dev.flowstage.hooks.pipeline;

import java.util.List;

/** Waves of a group stage's rollout: cumulative percentages, seconds to wait for "running", abort threshold. */
public record Rollout(List<Integer> waves, int waitForRunning, int abortOnFailurePercent) {
    public Rollout {
        waves = List.copyOf(waves);
    }
}
