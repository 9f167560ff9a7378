package dev.flowstage.storage.run;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a staged rollout of a group deploy stands, stored with its run so that it survives a restart:
 * the plan it follows ({@code waves} as cumulative percentages, {@code waitForRunning} seconds,
 * {@code abortOnFailurePercent}), the {@code commit} it rolls out, the group's member {@code devices} in
 * wave order (fixed when the rollout began), the current {@code wave} (1-based; 0 before the first) and
 * when it started, the commit each moved device had before ({@code previous}; a null value: it had none),
 * and the counts the API shows: devices {@code onTarget} (reported running on the commit), {@code pending}
 * and {@code offline} in the current wave, {@code failed} so far, and {@code putBack} to their previous commit.
 */
public record RolloutProgress(List<Integer> waves, int waitForRunning, int abortOnFailurePercent, String commit,
        List<String> devices, int wave, Instant waveStartedAt, Map<String, String> previous, int onTarget,
        int pending, int failed, int offline, int putBack) {
    public RolloutProgress {
        waves = List.copyOf(waves);
        Objects.requireNonNull(commit, "commit");
        devices = List.copyOf(devices);
        // a null value (the device had no commit) is allowed, so not Map.copyOf
        previous = Collections.unmodifiableMap(new LinkedHashMap<>(previous));
    }

    /** The rollout of {@code commit} to {@code devices} (in wave order) before its first wave. */
    public static RolloutProgress begin(List<Integer> waves, int waitForRunning, int abortOnFailurePercent,
            String commit, List<String> devices) {
        return new RolloutProgress(waves, waitForRunning, abortOnFailurePercent, commit, devices, 0, null, Map.of(),
                0, 0, 0, 0, 0);
    }

    /**
     * How many devices waves 1..{@code wave} cover together: the wave's percentage of the devices, rounded
     * up, and at least one more than the wave before (so no wave is empty while devices are left).
     */
    public int covered(int wave) {
        int n = 0;
        for (int i = 0; i < wave && i < waves.size(); i++) {
            int share = (int) Math.ceil(devices.size() * waves.get(i) / 100.0);
            n = Math.min(devices.size(), Math.max(n + 1, share));
        }
        return n;
    }

    /** The devices of wave {@code wave} (1-based): empty when earlier waves covered every device. */
    public List<String> waveDevices(int wave) {
        return devices.subList(covered(wave - 1), covered(wave));
    }

    public RolloutProgress atWave(int next, Instant startedAt, Map<String, String> morePrevious) {
        Map<String, String> all = new LinkedHashMap<>(previous);
        all.putAll(morePrevious);
        return new RolloutProgress(waves, waitForRunning, abortOnFailurePercent, commit, devices, next, startedAt,
                all, onTarget, pending, failed, offline, putBack);
    }

    public RolloutProgress withCounts(int newOnTarget, int newPending, int newFailed, int newOffline,
            int newPutBack) {
        return new RolloutProgress(waves, waitForRunning, abortOnFailurePercent, commit, devices, wave,
                waveStartedAt, previous, newOnTarget, newPending, newFailed, newOffline, newPutBack);
    }
}
