package dev.flowstage.hooks.nodered;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.snapshot.InvalidSnapshotException;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import dev.flowstage.storage.snapshot.SnapshotProblem;
import dev.flowstage.storage.snapshot.SnapshotReader;
import dev.flowstage.storage.snapshot.SnapshotValidator;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

/**
 * Takes a snapshot of a running Node-RED: reads its deployed flows ({@code GET /flows}) and, when they
 * differ from {@code main}'s flows.json, commits them on main. Node-RED's Admin API never returns
 * credentials, so the commit keeps main's flows_cred.json (and package.json, settings.json, env.json,
 * README.md) as they were. Either way the commit is named by the annotated tag {@code refs/tags/NAME}.
 * A Node-RED that cannot be read leaves main untouched and the reason in the instance's status.
 */
public final class FlowCapture {
    /** The snapshot's commit and whether a new commit was made for it. */
    public record Captured(ObjectId commit, boolean committed) {}

    private static final ObjectWriter FLOWS_WRITER = NodeRedJson.flowsWriter();

    private final RepoStore repos;
    private final NodeRedClients clients;
    private final InstanceStatusStore status;
    private final MainMovedListener mainMoved;
    private final Clock clock;
    private final SnapshotValidator validator = new SnapshotValidator();

    public FlowCapture(RepoStore repos, NodeRedClients clients, InstanceStatusStore status,
            MainMovedListener mainMoved, Clock clock) {
        this.repos = repos;
        this.clients = clients;
        this.status = status;
        this.mainMoved = mainMoved;
        this.clock = clock;
    }

    /**
     * Captures {@code target}'s live flows as snapshot {@code name}.
     * @throws NodeRedException when Node-RED cannot be read (recorded in the status too; nothing is written)
     * @throws MetaConflictException when the instance is protected and its live flows differ from main,
     *     when main moved meanwhile, or when the tag name is taken by another commit
     */
    public Captured capture(String team, Target target, String name, String message, PersonIdent actor)
            throws IOException {
        NodeRedClient client = clients.connect(target);
        NodeRedFlows live;
        try {
            live = client.flows();
        } catch (NodeRedException e) {
            InstanceStatus previous = status.read(team, target.name()).orElse(null);
            status.write(team, target.name(), InstanceStatus.failed(InstanceStatus.CAPTURE,
                    previous == null ? null : previous.commit(), previous, clock.instant(),
                    "snapshot '" + name + "' not taken: " + e.getMessage()));
            throw e;
        }
        ArrayNode flows = DeployPayload.withoutCredentials(live.flows());
        try (Repository repo = repos.open(new RepoName(team, target.name()))) {
            ObjectId head = MainBranch.head(repo);
            Snapshot current = head == null ? Snapshot.EMPTY : SnapshotReader.read(repo, head);
            ObjectId commit = head;
            boolean committed = false;
            if (head == null || !sameFlows(current, flows)) {
                if (target.protectedMain()) {
                    throw new MetaConflictException("instance '" + target.name() + "' is protected: its main changes"
                            + " only through pipeline promotions and approved reviews, and the flows running in Node-RED"
                            + " differ from main (changed in the editor?); nothing was committed");
                }
                Snapshot next = current.with(SnapshotFiles.FLOWS, format(flows));
                List<SnapshotProblem> problems = validator.validate(next);
                if (!problems.isEmpty()) {
                    throw new InvalidSnapshotException(problems);
                }
                commit = MainBranch.commit(repo, head, next, actor, message);
                committed = true;
            }
            MainBranch.tag(repo, commit, name, message, actor);
            status.write(team, target.name(), InstanceStatus.succeeded(InstanceStatus.CAPTURE, commit.name(),
                    clock.instant()));
            if (committed) {
                mainMoved.onMainMoved(team, target.name(), head == null ? null : head.name(), commit.name(),
                        actor.getName());
            }
            return new Captured(commit, committed);
        }
    }

    private static boolean sameFlows(Snapshot current, ArrayNode live) {
        try {
            return DeployPayload.sameFlows(DeployPayload.flows(NodeRedJson.MAPPER, current), live);
        } catch (IllegalArgumentException e) {
            return false; // main's flows.json is no array: anything Node-RED runs differs from it
        }
    }

    private static byte[] format(ArrayNode flows) {
        try {
            return FLOWS_WRITER.writeValueAsBytes(flows);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serializing flows", e);
        }
    }
}
