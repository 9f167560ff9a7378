package dev.flowstage.hooks.fleet;

import dev.flowstage.hooks.events.DevicesMovedListener;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TargetListener;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.share.DeviceMains;
import dev.flowstage.storage.share.SharedObjects;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices of a team as the server moves them (SPEC §6): a group deploy points every member's
 * {@code main} at the group's commit, deployToDevices points the devices connected to an instance at the
 * instance's commit, and a device that joins a group gets the group's current commit. Devices borrow the
 * objects of their group and instance (Git alternates), so a move is one ref write per device; a device that
 * leaves copies in what it needs first ({@link SharedObjects#lend}). Moves of one group (or one instance's
 * devices) are serialized, and each reads the group's main and its members when it runs, so a join racing a
 * deploy ends with the device on the group's latest commit either way.
 */
public final class Fleet implements TargetListener {
    private static final Logger LOG = LoggerFactory.getLogger(Fleet.class);

    /** What a fan-out did, in counts (a group may hold thousands of devices). */
    public record FanOut(String commit, int devices, int moved, int unchanged, int skipped) {
        /** One log line: "3 device(s) of group pis: 2 moved to abc1234, 1 already there". */
        public String describe(String what) {
            StringBuilder s = new StringBuilder().append(devices).append(" device(s) ").append(what);
            if (commit == null) {
                return s.append(": nothing to deploy (no commit yet)").toString();
            }
            s.append(": ").append(moved).append(" moved to ").append(commit, 0, 7);
            if (unchanged > 0) {
                s.append(", ").append(unchanged).append(" already there");
            }
            if (skipped > 0) {
                s.append(", ").append(skipped).append(" skipped (left meanwhile or no repository)");
            }
            return s.toString();
        }
    }

    private final TeamStore teams;
    private final RepoStore repos;
    private final SharedObjects shared;
    private final DeviceMains mains;
    private final DevicesMovedListener listener;
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    public Fleet(TeamStore teams, RepoStore repos, DevicesMovedListener listener) {
        this.teams = Objects.requireNonNull(teams);
        this.repos = Objects.requireNonNull(repos);
        this.shared = new SharedObjects(repos);
        this.mains = new DeviceMains(repos, shared);
        this.listener = Objects.requireNonNull(listener);
    }

    /** Points every device of {@code group} at the group's current {@code main}. */
    public FanOut deployGroup(String team, String group, String actor, String reason) throws IOException {
        synchronized (lock(team, group)) {
            ObjectId head = main(new RepoName(team, group));
            List<Target> members = devices(team, t -> group.equals(t.group()));
            return fanOut(team, new RepoName(team, group), members, head, actor, reason);
        }
    }

    /** Points every device connected to {@code instance} at {@code commit} (a commit of the instance: deployToDevices). */
    public FanOut deployToInstanceDevices(String team, String instance, ObjectId commit, String actor, String reason)
            throws IOException {
        synchronized (lock(team, instance)) {
            List<Target> connected = devices(team, t -> instance.equals(t.instance()));
            return fanOut(team, new RepoName(team, instance), connected, commit, actor, reason);
        }
    }

    /**
     * Moves some devices of {@code group} each to its own commit of the group: a rollout wave, or a wave put
     * back to the commits it had ({@link DeviceMains.Moved#previous()} of the move that sent it).
     */
    public DeviceMains.Moved move(String team, String group, Map<String, ObjectId> targets, String actor, String reason)
            throws IOException {
        synchronized (lock(team, group)) {
            TeamConfig config = config(team);
            for (String d : targets.keySet()) {
                Target t = config.targets().get(d);
                if (t != null && t.kind() == TargetKind.DEVICE && group.equals(t.group())) {
                    ensureLenders(team, config, t);
                }
            }
            DeviceMains.Moved moved = mains.move(team, new RepoName(team, group), targets);
            tell(team, moved, targets, actor);
            logMoves(team, group, moved, actor, reason);
            return moved;
        }
    }

    @Override
    public void repositoryCreated(RepoName repo) {
        if (repo.isConfig()) {
            return;
        }
        teams.team(repo.team()).map(c -> c.targets().get(repo.name()))
                .filter(t -> t.kind() == TargetKind.DEVICE)
                .ifPresent(t -> follow(repo.team(), null, t));
    }

    @Override
    public void configChanged(String team, TeamConfig before, TeamConfig after) {
        for (Target now : after.targets().values()) {
            if (now.kind() != TargetKind.DEVICE) {
                continue;
            }
            Target was = before.targets().get(now.name());
            if (was == null && !repos.exists(new RepoName(team, now.name()))) {
                continue; // its repository comes next, and repositoryCreated follows it then
            }
            if (was == null || !Objects.equals(was.group(), now.group())
                    || !Objects.equals(was.instance(), now.instance())) {
                follow(team, was, now);
            }
        }
    }

    /** After a device was created or changed group or instance: borrow from the new ones, join the new group's commit. */
    private void follow(String team, Target was, Target device) {
        try {
            TeamConfig config = config(team);
            String group = device.group();
            if (group != null && (was == null || !group.equals(was.group()))) {
                synchronized (lock(team, group)) {
                    ensureLenders(team, config, device);
                    ObjectId head = main(new RepoName(team, group));
                    if (head != null) {
                        Map<String, ObjectId> target = Map.of(device.name(), head);
                        DeviceMains.Moved moved = mains.move(team, new RepoName(team, group), target);
                        tell(team, moved, target, "flowstage");
                        LOG.info("device {}/{} joined group {}: main is now {}", team, device.name(), group,
                                head.abbreviate(7).name());
                    }
                }
            } else {
                ensureLenders(team, config, device);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the repository of device " + team + "/" + device.name()
                    + " after it changed group or instance", e);
        }
    }

    private FanOut fanOut(String team, RepoName lender, List<Target> devices, ObjectId commit, String actor,
            String reason) throws IOException {
        if (commit == null) {
            return new FanOut(null, devices.size(), 0, 0, 0);
        }
        TeamConfig config = config(team);
        Map<String, ObjectId> targets = new LinkedHashMap<>();
        Map<String, Boolean> lenderExists = new HashMap<>(); // every device has the same lenders, mostly
        for (Target d : devices) {
            ensureLenders(team, config, d, lenderExists);
            targets.put(d.name(), commit);
        }
        DeviceMains.Moved moved = mains.move(team, lender, targets);
        tell(team, moved, targets, actor);
        logMoves(team, lender.name(), moved, actor, reason);
        return new FanOut(commit.name(), devices.size(), moved.previous().size(), moved.unchanged().size(),
                moved.skipped().size());
    }

    /** Makes the device borrow from its group and its instance (those that have a repository), if it does not yet. */
    private void ensureLenders(String team, TeamConfig config, Target device) throws IOException {
        ensureLenders(team, config, device, new HashMap<>());
    }

    /** As above; {@code lenderExists} remembers which lenders have a repository, for the next device. */
    private void ensureLenders(String team, TeamConfig config, Target device, Map<String, Boolean> lenderExists)
            throws IOException {
        RepoName name = new RepoName(team, device.name());
        if (!repos.exists(name)) {
            return;
        }
        List<RepoName> lenders = new ArrayList<>();
        for (String l : new LinkedHashSet<>(java.util.Arrays.asList(device.group(), device.instance()))) {
            if (l != null && config.targets().containsKey(l)
                    && lenderExists.computeIfAbsent(l, x -> repos.exists(new RepoName(team, x)))) {
                lenders.add(new RepoName(team, l));
            }
        }
        Set<Path> wanted = new LinkedHashSet<>();
        for (RepoName l : lenders) {
            wanted.add(shared.objectsDir(l));
        }
        if (!shared.lenders(name).equals(wanted)) {
            shared.lend(name, lenders);
        }
    }

    private void tell(String team, DeviceMains.Moved moved, Map<String, ObjectId> targets, String actor) {
        List<DevicesMovedListener.DeviceMove> moves = new ArrayList<>();
        moved.previous().forEach((device, old) -> moves.add(new DevicesMovedListener.DeviceMove(device,
                old == null ? null : old.name(), targets.get(device).name())));
        listener.onDevicesMoved(team, moves, actor);
    }

    /** The server log keeps who moved which devices why (device mains have no reflog: see DeviceMains). */
    private static void logMoves(String team, String lender, DeviceMains.Moved moved, String actor, String reason) {
        if (!moved.previous().isEmpty()) {
            LOG.info("{} device(s) of {}/{} moved by {} ({}); {} already there, {} skipped", moved.previous().size(),
                    team, lender, actor, reason, moved.unchanged().size(), moved.skipped().size());
        }
    }

    private List<Target> devices(String team, java.util.function.Predicate<Target> which) {
        return config(team).targets().values().stream()
                .filter(t -> t.kind() == TargetKind.DEVICE && which.test(t)).toList();
    }

    private TeamConfig config(String team) {
        return teams.team(team).orElseThrow(() -> new IllegalStateException("team '" + team + "' does not exist"));
    }

    private ObjectId main(RepoName repo) throws IOException {
        try (Repository r = repos.open(repo)) {
            Ref main = r.exactRef(DeviceMains.MAIN);
            return main == null ? null : main.getObjectId();
        } catch (RepositoryNotFoundException e) {
            return null;
        }
    }

    private Object lock(String team, String target) {
        return locks.computeIfAbsent(team + "/" + target, k -> new Object());
    }
}
