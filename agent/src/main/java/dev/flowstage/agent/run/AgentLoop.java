package dev.flowstage.agent.run;

import dev.flowstage.agent.AgentException;
import dev.flowstage.agent.api.DeviceApi;
import dev.flowstage.agent.api.DeviceApiException;
import dev.flowstage.agent.api.StatusReport;
import dev.flowstage.agent.git.DeviceRepository;
import dev.flowstage.agent.git.GitFetchException;
import dev.flowstage.agent.nodered.NodeRedException;
import dev.flowstage.agent.verify.SignatureRefusedException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.ObjectId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's main loop: fetch the device's {@code main}, and when it moved past what was applied, verify
 * and deploy it ({@link SnapshotDeployer}) and report the outcome. Between rounds it either long-polls the
 * server's watch endpoint or sleeps for the interval. Whatever fails for reasons outside the commit
 * (server or Node-RED away, network down, token refused) is retried with {@link Backoff} and logged once
 * per change ({@link ProblemLog}); a commit that cannot be deployed as it is (bad signature, rejected by
 * Node-RED) is reported as {@code error} once and not retried until {@code main} moves again, while
 * Node-RED keeps running what it ran.
 */
public final class AgentLoop {
    private static final Logger LOG = LoggerFactory.getLogger("flowstage.agent");

    /** How the loop waits between rounds. */
    public record Schedule(boolean watch, Duration interval, int watchTimeoutSeconds) {}

    private final DeviceRepository repo;
    private final DeviceApi api;
    private final SnapshotDeployer deployer;
    private final StatusReporter reporter;
    private final Schedule schedule;
    private final Backoff backoff;
    private final ProblemLog problems = new ProblemLog();

    private ObjectId failed; // the commit last refused, reported, and not retried until main moves
    private boolean reportedApplied;

    AgentLoop(DeviceRepository repo, DeviceApi api, SnapshotDeployer deployer, Schedule schedule, Backoff backoff) {
        this.repo = repo;
        this.api = api;
        this.deployer = deployer;
        this.reporter = new StatusReporter(api);
        this.schedule = schedule;
        this.backoff = backoff;
    }

    /** Runs until the thread is interrupted. */
    public void run() throws InterruptedException {
        boolean fetch = true;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                reporter.flush();
                if (fetch) {
                    round();
                }
                problems.recovered("talking to the server and Node-RED works");
                backoff.reset();
                fetch = waitForChange();
            } catch (DeviceApiException | GitFetchException | NodeRedException e) {
                problems.failure(kind(e), e.getMessage());
                Thread.sleep(backoff.next().toMillis());
                fetch = true;
            }
        }
    }

    /** What state a failure shows, so the watch and the fetch failing for one reason log one line. */
    static String kind(RuntimeException e) {
        if (e instanceof DeviceApiException d) {
            return "server " + d.kind();
        }
        if (e instanceof GitFetchException g) {
            return g.getMessage().contains("not authorized") ? "server " + DeviceApiException.Kind.UNAUTHORIZED
                    : "server " + DeviceApiException.Kind.UNAVAILABLE;
        }
        return "node-red";
    }

    /** One fetch and, when main moved, one deploy attempt. */
    void round() {
        Optional<ObjectId> main = repo.fetchMain();
        if (main.isEmpty()) {
            LOG.debug("the device's main has no commit yet: nothing deployed to it");
            return;
        }
        ObjectId commit = main.get();
        ObjectId applied = repo.ref(DeviceRepository.APPLIED);
        if (commit.equals(applied)) {
            if (!reportedApplied) {
                reporter.report(StatusReport.running(commit.name(), null));
                reportedApplied = true;
            }
            return;
        }
        if (commit.equals(failed)) {
            return;
        }
        String shortId = commit.name().substring(0, 12);
        try {
            Map<String, String> modules = deployer.deploy(commit);
            LOG.info("deployed commit {} to Node-RED", shortId);
            failed = null;
            reportedApplied = true;
            reporter.report(StatusReport.running(commit.name(), modules));
        } catch (SignatureRefusedException e) {
            refuse(commit, e.getMessage() + "; Node-RED keeps running " + running(applied));
        } catch (NodeRedException e) {
            if (!e.refused()) {
                // away (no answer) or failing (5xx): retried with backoff; the server learns what runs meanwhile
                reporter.report(e.answered() ? StatusReport.error(commit.name(), e.getMessage())
                        : new StatusReport(applied == null ? null : applied.name(), StatusReport.STOPPED, e.getMessage(), null));
                throw e;
            }
            refuse(commit, "Node-RED rejected commit " + shortId + ": " + e.getMessage() + "; it keeps running "
                    + running(applied));
        } catch (DeviceApiException | GitFetchException e) {
            throw e;
        } catch (AgentException e) {
            refuse(commit, "commit " + shortId + " was not deployed: " + e.getMessage() + "; Node-RED keeps running "
                    + running(applied));
        }
    }

    private void refuse(ObjectId commit, String message) {
        LOG.error(message);
        failed = commit;
        reporter.report(StatusReport.error(commit.name(), message));
    }

    private static String running(ObjectId applied) {
        return applied == null ? "what it ran before" : "commit " + applied.name().substring(0, 12);
    }

    /** Waits for the next round; returns whether to fetch. */
    private boolean waitForChange() throws InterruptedException {
        if (!schedule.watch()) {
            Thread.sleep(schedule.interval().toMillis());
            return true;
        }
        ObjectId fetched = repo.ref(DeviceRepository.FETCHED);
        Optional<String> changed = api.watch(fetched == null ? null : fetched.name(), schedule.watchTimeoutSeconds());
        return changed.isPresent();
    }
}
