package dev.flowstage.hooks.devices;

import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;

/**
 * What the API shows of devices: per device its target (its {@code main}) next to what it last
 * reported, and per group how many of its devices are on target, behind, in error or offline. A device
 * is offline when it has not reported for longer than {@code offlineAfter} (or never reported).
 */
public final class DeviceFleet {
    /** Five minutes: ten missed reports of an agent reporting every 30 s, or a few missed watch rounds. */
    public static final Duration DEFAULT_OFFLINE_AFTER = Duration.ofMinutes(5);

    /** One device: {@code targetCommit} its {@code main} (null before the first deploy), then its last report. */
    public record DeviceView(String targetCommit, String activeCommit, String reportedCommit, String state,
                             String message, Instant lastSeen, boolean online) {}

    /** A group's devices by where they are; each device counts once (offline, else error, else on target, else behind). */
    public record GroupSummary(int onTarget, int behind, int error, int offline, int total) {}

    private final RepoStore repos;
    private final DeviceStatusStore statuses;
    private final Clock clock;
    private final Duration offlineAfter;

    public DeviceFleet(RepoStore repos, DeviceStatusStore statuses, Clock clock, Duration offlineAfter) {
        this.repos = Objects.requireNonNull(repos);
        this.statuses = Objects.requireNonNull(statuses);
        this.clock = Objects.requireNonNull(clock);
        this.offlineAfter = Objects.requireNonNull(offlineAfter);
    }

    public Duration offlineAfter() {
        return offlineAfter;
    }

    public DeviceView device(String team, String device) throws IOException {
        String target = main(new RepoName(team, device));
        return statuses.status(team, device)
                .map(s -> new DeviceView(target, s.activeCommit(), s.commit(), s.state().json(), s.message(),
                        s.lastSeen(), online(s.lastSeen())))
                .orElseGet(() -> new DeviceView(target, null, null, null, null, null, false));
    }

    public GroupSummary group(TeamConfig team, String group) throws IOException {
        int onTarget = 0;
        int behind = 0;
        int error = 0;
        int offline = 0;
        int total = 0;
        for (Target t : team.targets().values()) {
            if (t.kind() != TargetKind.DEVICE || !group.equals(t.group())) {
                continue;
            }
            total++;
            DeviceView d = device(team.name(), t.name());
            if (!d.online()) {
                offline++;
            } else if (DeviceState.ERROR.json().equals(d.state())) {
                error++;
            } else if (DeviceState.RUNNING.json().equals(d.state()) && d.targetCommit() != null
                    && d.targetCommit().equals(d.activeCommit())) {
                onTarget++;
            } else {
                behind++;
            }
        }
        return new GroupSummary(onTarget, behind, error, offline, total);
    }

    private boolean online(Instant lastSeen) {
        return !lastSeen.plus(offlineAfter).isBefore(clock.instant());
    }

    private String main(RepoName repo) throws IOException {
        try (Repository r = repos.open(repo)) {
            Ref main = r.exactRef("refs/heads/main");
            return main == null || main.getObjectId() == null ? null : main.getObjectId().name();
        } catch (RepositoryNotFoundException e) {
            return null;
        }
    }
}
