package dev.flowstage.hooks.pipeline;

import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.remote.CaCertificate;
import dev.flowstage.hooks.remote.HttpsCredentials;
import dev.flowstage.hooks.remote.RemoteEndpoint;
import dev.flowstage.hooks.remote.RemoteFailure;
import dev.flowstage.hooks.remote.RemoteGit;
import dev.flowstage.hooks.remote.RemoteProtocol;
import dev.flowstage.hooks.remote.RemoteSnapshotReader;
import dev.flowstage.hooks.remote.RemoteUrl;
import dev.flowstage.hooks.secrets.GitIntegration;
import dev.flowstage.hooks.secrets.GitIntegrations;
import dev.flowstage.hooks.secrets.TeamSecrets;
import dev.flowstage.hooks.remote.SshCredentials;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;

/**
 * The external side of a git stage (SPEC §6): {@link #push} writes one file on the stage's {@code branch}
 * and pushes it, {@link #pull} reads the snapshot at {@code filename} of {@code pullBranch}. Every fetch lands
 * in a private bare work repository per stage ({@code ROOT/TEAM/PIPELINE-STAGE.git}), never in a target's
 * repository; HTTPS connections use the stage's integration (token and CA).
 */
public final class GitStageRemote {
    /** How many times a push rejected as non-fast-forward is fetched, re-applied and pushed. */
    static final int PUSH_ATTEMPTS = 3;
    private static final String STAGE_HEAD = "refs/stage/head";
    private static final String STAGE_OUT = "refs/stage/out";

    /** Called before each push (test hook: a concurrent remote commit lands here). */
    interface BeforePush {
        void run(int attempt) throws Exception;
    }

    /** A push done: the remote commit now at the tip of {@code branch}, the URL without secrets, attempts made. */
    record Pushed(ObjectId commit, String url, String branch, int attempts, boolean unchanged) {}

    /** A pull done: the target's next snapshot, read from {@code commit} of {@code branch} at {@code url}. */
    record Pulled(Snapshot snapshot, ObjectId commit, String url, String branch, String remoteSubject) {}

    private final RemoteGit git;
    private final GitIntegrations integrations;
    private final TeamSecrets secrets;
    private final AddressPolicy policy;
    private final Path root;
    private final Duration timeout;
    private volatile BeforePush beforePush = attempt -> { };

    /**
     * @param root the folder of the private work repositories (e.g. DATA/git-stages)
     * @param timeout the limit on each network step
     */
    public GitStageRemote(RemoteGit git, GitIntegrations integrations, TeamSecrets secrets, AddressPolicy policy,
            Path root, Duration timeout) {
        this.secrets = Objects.requireNonNull(secrets);
        this.git = Objects.requireNonNull(git);
        this.integrations = Objects.requireNonNull(integrations);
        this.policy = Objects.requireNonNull(policy);
        this.root = Objects.requireNonNull(root);
        this.timeout = Objects.requireNonNull(timeout);
    }

    void beforePush(BeforePush hook) {
        this.beforePush = Objects.requireNonNull(hook);
    }

    /** The file a stage writes and reads: its {@code filename}, else {@code snapshot-SOURCE.json}. */
    static String filename(GitStage g, String source) {
        String f = g.filename() == null || g.filename().isBlank() ? "snapshot-" + source + ".json" : g.filename();
        return f.replaceAll("^/+", "");
    }

    /**
     * Commits {@code content} as {@code file} on top of the stage's branch (created when missing) and pushes;
     * a non-fast-forward fetches again and re-applies, up to {@link #PUSH_ATTEMPTS} times.
     * @throws RemoteFailure in actionable words; nothing local outside the work repository changed
     */
    Pushed push(String team, String pipeline, Stage stage, String file, byte[] content, PersonIdent author,
            String message) throws RemoteFailure, IOException {
        GitStage g = stage.git();
        RemoteEndpoint e = endpoint(team, g);
        try (Repository work = open(team, pipeline, stage.name())) {
            for (int attempt = 1; attempt <= PUSH_ATTEMPTS; attempt++) {
                ObjectId parent = null;
                if (git.refs(e).containsKey(Constants.R_HEADS + g.branch())) {
                    parent = git.fetch(e, work, g.branch(), STAGE_HEAD, 1);
                }
                ObjectId commit = commit(work, parent, file, content, author, message);
                if (commit.equals(parent)) {
                    return new Pushed(parent, e.displayUrl(), g.branch(), attempt, true);
                }
                RefUpdate ru = work.updateRef(STAGE_OUT);
                ru.setNewObjectId(commit);
                ru.setForceUpdate(true);
                ru.update();
                try {
                    beforePush.run(attempt);
                } catch (Exception hook) {
                    throw new IOException(hook);
                }
                PushResult result = git.push(e, work, List.of(new RefSpec(STAGE_OUT + ":" + Constants.R_HEADS + g.branch())));
                RemoteRefUpdate u = result.getRemoteUpdate(Constants.R_HEADS + g.branch());
                RemoteRefUpdate.Status status = u == null ? RemoteRefUpdate.Status.NOT_ATTEMPTED : u.getStatus();
                switch (status) {
                    case OK, UP_TO_DATE -> {
                        return new Pushed(commit, e.displayUrl(), g.branch(), attempt, false);
                    }
                    case REJECTED_NONFASTFORWARD, REJECTED_REMOTE_CHANGED -> {
                        // someone else pushed meanwhile: fetch their commit and write the file again on it
                    }
                    default -> throw new RemoteFailure(RemoteFailure.Reason.FAILED, "the push to " + g.branch()
                            + " of " + e.displayUrl() + " was refused (" + status + (u == null || u.getMessage() == null
                            ? "" : ": " + u.getMessage()) + ")");
                }
            }
            throw new RemoteFailure(RemoteFailure.Reason.FAILED, g.branch() + " of " + e.displayUrl() + " kept moving: "
                    + PUSH_ATTEMPTS + " pushes were rejected as non-fast-forward; deploy again");
        }
    }

    /**
     * Fetches the stage's {@code pullBranch} (else {@code branch}) and reads {@code file} there as the next
     * snapshot of {@code targetName} (whose current snapshot is {@code current}).
     */
    Pulled pull(String team, String pipeline, Stage stage, String file, Snapshot current, String targetName,
            String targetSecret) throws RemoteFailure, IOException {
        GitStage g = stage.git();
        String branch = g.pullBranch() == null || g.pullBranch().isBlank() ? g.branch() : g.pullBranch();
        RemoteEndpoint e = endpoint(team, g);
        try (Repository work = open(team, pipeline, stage.name())) {
            git.head(e, branch);
            ObjectId fetched = git.fetch(e, work, branch, "refs/stage/pull", 1);
            String subject;
            try (RevWalk w = new RevWalk(work)) {
                subject = w.parseCommit(fetched).getShortMessage();
            }
            Snapshot next = RemoteSnapshotReader.read(work, fetched, file, current, targetName, targetSecret);
            return new Pulled(next, fetched, e.displayUrl(), branch, subject);
        }
    }

    private ObjectId commit(Repository work, ObjectId parent, String file, byte[] content, PersonIdent author,
            String message) throws IOException {
        try (ObjectInserter ins = work.newObjectInserter(); RevWalk walk = new RevWalk(work)) {
            RevCommit base = parent == null ? null : walk.parseCommit(parent);
            DirCache index = base == null ? DirCache.newInCore() : DirCache.read(walk.getObjectReader(), base.getTree());
            ObjectId blob = ins.insert(Constants.OBJ_BLOB, content);
            DirCacheEditor editor = index.editor();
            editor.add(new DirCacheEditor.PathEdit(file) {
                @Override
                public void apply(DirCacheEntry ent) {
                    ent.setFileMode(FileMode.REGULAR_FILE);
                    ent.setObjectId(blob);
                }
            });
            editor.finish();
            ObjectId tree = index.writeTree(ins);
            if (base != null && tree.equals(base.getTree())) {
                return parent;
            }
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(tree);
            if (parent != null) {
                cb.setParentId(parent);
            }
            cb.setAuthor(author);
            cb.setCommitter(new PersonIdent("Flowstage", "pipelines@flowstage", author.getWhenAsInstant(),
                    author.getZoneId()));
            cb.setMessage(message);
            ObjectId id = ins.insert(cb);
            ins.flush();
            return id;
        }
    }

    private RemoteEndpoint endpoint(String team, GitStage g) throws RemoteFailure {
        try {
            if (g.url().regionMatches(true, 0, "http://", 0, 7)) {
                throw new RemoteFailure(RemoteFailure.Reason.CONFIGURATION, "the git stage's URL is plain http://:"
                        + " tokens are sent over https:// only");
            }
            RemoteProtocol protocol = g.protocol() != null ? RemoteProtocol.parse(g.protocol()) : RemoteUrl.protocolOf(g.url());
            if (protocol == RemoteProtocol.SSH) {
                if (g.ssh() == null) {
                    throw new RemoteFailure(RemoteFailure.Reason.CONFIGURATION, "the git stage's ssh URL needs 'ssh'"
                            + " (a key and a known_hosts line)");
                }
                SshCredentials ssh = new SshCredentials(secrets.resolve(team, "git.ssh.key", g.ssh().key()),
                        g.ssh().passphrase() == null ? null
                                : secrets.resolve(team, "git.ssh.passphrase", g.ssh().passphrase()),
                        g.ssh().knownHosts());
                return new RemoteEndpoint(RemoteUrl.parse(g.url(), protocol, policy), protocol, null, ssh, null, timeout);
            }
            HttpsCredentials https = null;
            CaCertificate ca = null;
            if (g.integration() != null) {
                GitIntegration i = integrations.get(team, g.integration()).orElseThrow(() -> new MetaInvalidException(
                        "the git stage's integration '" + g.integration() + "' does not exist in team '" + team + "'"));
                https = HttpsCredentials.forProvider(i.provider(), i.username(), integrations.token(i));
                ca = i.ca();
            }
            return new RemoteEndpoint(RemoteUrl.parse(g.url(), protocol, policy), protocol, https, null, ca, timeout);
        } catch (MetaInvalidException | IllegalArgumentException ex) {
            throw new RemoteFailure(RemoteFailure.Reason.CONFIGURATION, ex.getMessage());
        }
    }

    private Repository open(String team, String pipeline, String stage) throws IOException {
        Path dir = root.resolve(team).resolve(pipeline + "-" + stage + ".git");
        FileRepository repo = new FileRepository(dir.toFile());
        if (!Files.exists(dir.resolve("HEAD"))) {
            Files.createDirectories(dir.getParent());
            repo.create(true);
        }
        return repo;
    }
}
