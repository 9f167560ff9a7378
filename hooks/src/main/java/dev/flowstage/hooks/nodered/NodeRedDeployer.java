package dev.flowstage.hooks.nodered;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.secret.SecretBox;
import dev.flowstage.storage.snapshot.CredentialsException;
import dev.flowstage.storage.snapshot.InvalidSnapshotException;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotReader;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys an instance's {@code main} to its live Node-RED whenever main moves (push, approved review,
 * promotion, import): a full deployment ({@code POST /flows}) with credentials decrypted under the
 * instance's credentialSecret, on a small executor and never on the thread that moved main. One deployment
 * per instance at a time; events that arrive meanwhile collapse into one more run that deploys whatever main
 * is then (latest wins). Each outcome is recorded in the instance's status; failures never propagate.
 */
public final class NodeRedDeployer implements MainMovedListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeRedDeployer.class);

    /** Per-instance state: whether a run is going and whether another was asked for meanwhile. */
    private static final class Slot {
        boolean again;
    }

    private final TeamStore teams;
    private final RepoStore repos;
    private final SecretBox secrets;
    private final NodeRedClients clients;
    private final InstanceStatusStore status;
    private final Clock clock;
    private final ExecutorService executor;
    private final Map<String, Slot> running = new HashMap<>();

    public NodeRedDeployer(TeamStore teams, RepoStore repos, SecretBox secrets, NodeRedClients clients,
            InstanceStatusStore status, Clock clock, int threads) {
        this.teams = teams;
        this.repos = repos;
        this.secrets = secrets;
        this.clients = clients;
        this.status = status;
        this.clock = clock;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "nodered-deploy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.executor = Executors.newFixedThreadPool(threads, factory);
    }

    @Override
    public void onMainMoved(String team, String target, String oldSha, String newSha, String actor) {
        // cheap: the team config is cached by commit id; only live instances are deployed
        if (live(team, target).isPresent()) {
            schedule(team, target);
        }
    }

    /**
     * Schedules every live instance of {@code teams}; those whose status says Node-RED runs their main are
     * skipped when their turn comes. For start-up (main may have moved while deployments were pending) and
     * for retrying failed deployments now and then (a Node-RED that was down comes back).
     */
    public void catchUp(List<String> teams) {
        for (String team : teams) {
            this.teams.team(team).ifPresent(c -> c.targets().values().stream()
                    .filter(t -> t.kind() == TargetKind.INSTANCE && t.nodeRed() != null)
                    .forEach(t -> schedule(team, t.name())));
        }
    }

    /** Deploys {@code team/target}'s current main soon, unless a run for it is queued already. */
    public void schedule(String team, String target) {
        String key = team + "/" + target;
        synchronized (running) {
            Slot slot = running.get(key);
            if (slot != null) {
                slot.again = true;
                return;
            }
            running.put(key, new Slot());
        }
        try {
            executor.execute(() -> runUntilCurrent(key, team, target));
        } catch (RejectedExecutionException e) {
            synchronized (running) {
                running.remove(key);
            }
            LOG.warn("not deploying {}: the server is shutting down", key);
        }
    }

    private void runUntilCurrent(String key, String team, String target) {
        while (true) {
            synchronized (running) {
                running.get(key).again = false;
            }
            try {
                deployOnce(team, target);
            } catch (RuntimeException e) {
                LOG.error("deploying {} failed unexpectedly", key, e);
            }
            synchronized (running) {
                if (!running.get(key).again) {
                    running.remove(key);
                    return;
                }
            }
        }
    }

    /** Whether a deployment is queued or running for any instance (for orderly shutdown and tests). */
    public boolean busy() {
        synchronized (running) {
            return !running.isEmpty();
        }
    }

    private void deployOnce(String team, String name) {
        Optional<Target> target = live(team, name);
        if (target.isEmpty()) {
            return;
        }
        InstanceStatus previous = status.read(team, name).orElse(null);
        String commit = null;
        try (Repository repo = repos.open(new RepoName(team, name))) {
            ObjectId head = MainBranch.head(repo);
            if (head == null) {
                return;
            }
            commit = head.name();
            if (previous != null && previous.ok() && commit.equals(previous.deployedCommit())) {
                return; // Node-RED runs it already (deployed before, or captured from it)
            }
            Snapshot snapshot = SnapshotReader.read(repo, head);
            String secret = target.get().sealedCredentialSecret() == null ? null
                    : secrets.open(target.get().sealedCredentialSecret());
            ArrayNode flows = DeployPayload.build(NodeRedJson.MAPPER, snapshot, secret);
            clients.connect(target.get()).deploy(flows);
            status.write(team, name, InstanceStatus.succeeded(InstanceStatus.DEPLOY, commit, clock.instant()));
            LOG.info("deployed {}/{} at {} to Node-RED", team, name, commit);
        } catch (RepositoryNotFoundException e) {
            // deleted meanwhile
        } catch (NodeRedException | InvalidSnapshotException | IllegalArgumentException e) {
            fail(team, name, commit, previous, e.getMessage());
        } catch (CredentialsException e) {
            fail(team, name, commit, previous, "credentials not deployed: " + e.getMessage()
                    + (e.reason() == CredentialsException.Reason.NO_SECRET ? " (set the instance's credentialSecret)" : ""));
        } catch (IOException e) {
            LOG.error("reading {}/{} to deploy it failed", team, name, e);
            fail(team, name, commit, previous, "the snapshot could not be read: " + e.getMessage());
        }
    }

    private void fail(String team, String name, String commit, InstanceStatus previous, String why) {
        LOG.warn("deploying {}/{} at {} failed: {}", team, name, commit, why);
        status.write(team, name, InstanceStatus.failed(InstanceStatus.DEPLOY, commit, previous, clock.instant(),
                "deployment failed: " + why));
    }

    private Optional<Target> live(String team, String name) {
        return teams.team(team).map(c -> c.targets().get(name))
                .filter(t -> t.kind() == TargetKind.INSTANCE && t.nodeRed() != null);
    }

    /** Stops taking work and waits up to {@code timeout} for running deployments. */
    public void close(Duration timeout) throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            executor.shutdownNow();
        }
    }

    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(30));
    }
}
