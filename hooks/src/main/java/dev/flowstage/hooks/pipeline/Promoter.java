package dev.flowstage.hooks.pipeline;

import dev.flowstage.storage.repo.LooseObjectCopy;
import dev.flowstage.storage.repo.RepoLocks;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.signing.CommitSignatures;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import dev.flowstage.storage.snapshot.SnapshotReader;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import java.io.IOException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Builds promotion and rollback commits on a target's {@code main} (SPEC §3.2, §6) and applies them
 * atomically. Building inserts objects only; {@link #apply} moves {@code main} from the commit the
 * candidate was built on to the candidate, or leaves it exactly as it was.
 */
public final class Promoter {
    public static final String MAIN = "refs/heads/main";
    /** The trailer naming the run that wrote a commit. */
    public static final String RUN_TRAILER = "Flowstage-Run";
    private static final List<String> COPIED = List.of(SnapshotFiles.FLOWS, SnapshotFiles.PACKAGE, SnapshotFiles.README);

    /** A source snapshot: the commit of {@code target}'s repo and that instance's credentialSecret (nullable). */
    public record Source(String target, ObjectId commit, String credentialSecret) {}

    /** Who and what the commit records in its {@code Flowstage-*} trailers. */
    public record Trailers(String pipeline, String stage, String runId, String actor) {}

    /** A commit in {@code target}'s repo built on {@code base} (null: main did not exist), not applied yet. */
    public record Candidate(String team, String target, ObjectId commit, ObjectId base) {}

    private final RepoStore repos;
    private final Clock clock;
    private final CommitSignatures signer;

    public Promoter(RepoStore repos, Clock clock) {
        this(repos, clock, null);
    }

    /** With {@code signer} (nullable) signing the commits built with {@code sign} set: those for devices. */
    public Promoter(RepoStore repos, Clock clock, CommitSignatures signer) {
        this.repos = Objects.requireNonNull(repos);
        this.clock = Objects.requireNonNull(clock);
        this.signer = signer;
    }

    /**
     * The promotion of {@code source} into {@code target}, built on the target's current main: flows,
     * package.json and README from the source, credentials re-encrypted when both secrets are known,
     * settings.json kept from the target, env.json keys-only.
     */
    public Candidate promotion(String team, Source source, String target, String targetSecret, Trailers t)
            throws IOException {
        return promotion(team, source, target, targetSecret, t, false);
    }

    /** As {@link #promotion(String, Source, String, String, Trailers)}; {@code sign}: signed with the server's key. */
    public Candidate promotion(String team, Source source, String target, String targetSecret, Trailers t,
            boolean sign) throws IOException {
        try (Repository src = open(team, source.target()); Repository dst = open(team, target);
                RepoLocks.Held writing = RepoLocks.writing(dst.getDirectory());
                ObjectReader sr = src.newObjectReader(); ObjectInserter ins = dst.newObjectInserter();
                ObjectReader dr = ins.newReader()) {
            RevTree sourceTree = commit(sr, source.commit(), source.target()).getTree();
            Map<String, ObjectId> from = entries(sr, sourceTree);
            ObjectId base = main(dst);
            Map<String, ObjectId> to = base == null ? Map.of() : entries(dr, commit(dr, base, target).getTree());
            TreeMap<String, ObjectId> files = new TreeMap<>();
            for (String name : COPIED) {
                ObjectId id = from.get(name);
                if (id != null) {
                    files.put(name, copy(sr, dr, dst, id));
                }
            }
            if (to.containsKey(SnapshotFiles.SETTINGS)) {
                files.put(SnapshotFiles.SETTINGS, to.get(SnapshotFiles.SETTINGS));
            }
            byte[] env = PromotionFiles.env(bytes(sr, from.get(SnapshotFiles.ENV)), bytes(dr, to.get(SnapshotFiles.ENV)));
            if (env != null) {
                files.put(SnapshotFiles.ENV, ins.insert(Constants.OBJ_BLOB, env));
            }
            ObjectId sourceCred = from.get(SnapshotFiles.CREDENTIALS);
            if (sourceCred != null) {
                byte[] sourceBytes = bytes(sr, sourceCred);
                byte[] cred = PromotionFiles.credentials(sourceBytes, source.credentialSecret(),
                        bytes(dr, to.get(SnapshotFiles.CREDENTIALS)), targetSecret);
                files.put(SnapshotFiles.CREDENTIALS, cred == sourceBytes ? copy(sr, dr, dst, sourceCred)
                        : ins.insert(Constants.OBJ_BLOB, cred));
            }
            String message = "Promote " + source.target() + "@" + source.commit().abbreviate(7).name() + " to " + target
                    + "\n\nFlowstage-Pipeline: " + t.pipeline() + "\nFlowstage-Stage: " + t.stage()
                    + "\nFlowstage-Source: " + team + "/" + source.target() + "@" + source.commit().name()
                    + "\nFlowstage-Run: " + t.runId() + "\nFlowstage-Actor: " + t.actor() + "\n";
            ObjectId commit = insertCommit(ins, tree(ins, files), base, t.actor(), message, sign);
            ins.flush();
            return new Candidate(team, target, commit, base);
        }
    }

    /** The snapshot {@code commit} of {@code target} holds. */
    public Snapshot snapshot(String team, String target, ObjectId commit) throws IOException {
        try (Repository repo = open(team, target)) {
            return SnapshotReader.read(repo, commit(repo.newObjectReader(), commit, target));
        }
    }

    /**
     * A commit of {@code next} (a whole snapshot, already promoted) on {@code target}'s current main, with
     * {@code title} and {@code body} and the trailers, {@code Flowstage-Source} being {@code source}; not applied.
     */
    public Candidate snapshotCommit(String team, String target, Snapshot next, String title, String body,
            String source, Trailers t) throws IOException {
        try (Repository dst = open(team, target); RepoLocks.Held writing = RepoLocks.writing(dst.getDirectory())) {
            ObjectId base = main(dst);
            String message = title + "\n\n" + (body == null || body.isBlank() ? "" : body + "\n\n")
                    + "Flowstage-Pipeline: " + t.pipeline() + "\nFlowstage-Stage: " + t.stage()
                    + "\nFlowstage-Source: " + source + "\nFlowstage-Run: " + t.runId() + "\nFlowstage-Actor: "
                    + t.actor() + "\n";
            ObjectId commit = SnapshotWriter.commit(dst, next, base == null ? List.of() : List.of(base), ident(t.actor()),
                    new PersonIdent("flowstage", "flowstage@flowstage", clock.instant(), ZoneOffset.UTC), message);
            return new Candidate(team, target, commit, base);
        }
    }

    /** A new commit on {@code target}'s current main whose tree is that of {@code restore} (a commit of the target). */
    public Candidate rollback(String team, String target, ObjectId restore, String rolledBackRun, Trailers t)
            throws IOException {
        return rollback(team, target, restore, rolledBackRun, t, false);
    }

    /** As {@link #rollback(String, String, ObjectId, String, Trailers)}; {@code sign}: signed with the server's key. */
    public Candidate rollback(String team, String target, ObjectId restore, String rolledBackRun, Trailers t,
            boolean sign) throws IOException {
        try (Repository dst = open(team, target); RepoLocks.Held writing = RepoLocks.writing(dst.getDirectory());
                ObjectInserter ins = dst.newObjectInserter(); ObjectReader dr = ins.newReader()) {
            RevCommit old = commit(dr, restore, target);
            ObjectId base = main(dst);
            String message = "Roll back " + target + " to " + restore.abbreviate(7).name()
                    + "\n\nRestores the snapshot " + target + " had before run " + rolledBackRun + ".\n"
                    + "\nFlowstage-Pipeline: " + t.pipeline() + "\nFlowstage-Stage: " + t.stage()
                    + "\nFlowstage-Run: " + t.runId() + "\nFlowstage-Rollback-Of: " + rolledBackRun
                    + "\nFlowstage-Actor: " + t.actor() + "\n";
            ObjectId commit = insertCommit(ins, old.getTree(), base, t.actor(), message, sign);
            ins.flush();
            return new Candidate(team, target, commit, base);
        }
    }

    /**
     * Moves the target's main from the candidate's base to the candidate. False when main is no longer
     * at the base (or is locked): nothing changed, the caller may rebuild on the new main.
     */
    public boolean apply(Candidate c, String actor, String reason) throws IOException {
        try (Repository dst = open(c.team(), c.target()); RevWalk walk = new RevWalk(dst)) {
            RefUpdate ru = dst.updateRef(MAIN);
            ru.setExpectedOldObjectId(c.base() == null ? ObjectId.zeroId() : c.base());
            ru.setNewObjectId(c.commit());
            ru.setRefLogIdent(ident(actor));
            ru.setRefLogMessage(reason, false);
            RefUpdate.Result result = ru.update(walk);
            switch (result) {
                case NEW, FAST_FORWARD -> {
                    repos.pushed(new RepoName(c.team(), c.target()));
                    return true;
                }
                case LOCK_FAILURE, REJECTED, NO_CHANGE -> {
                    return false;
                }
                default -> throw new IOException("cannot move main of " + c.team() + "/" + c.target() + ": " + result);
            }
        }
    }

    /** The target's main, or null when it has none yet. */
    public ObjectId main(String team, String target) throws IOException {
        try (Repository repo = open(team, target)) {
            return main(repo);
        }
    }

    /** Where {@code ref} of the target points, or null when it does not exist. */
    public ObjectId head(String team, String target, String ref) throws IOException {
        try (Repository repo = open(team, target)) {
            Ref r = repo.exactRef(ref);
            return r == null ? null : r.getObjectId();
        }
    }

    /** Whether {@code commit} is {@code ref} of the target or one of its ancestors. */
    public boolean onRef(String team, String target, String ref, ObjectId commit) throws IOException {
        try (Repository repo = open(team, target); RevWalk walk = new RevWalk(repo)) {
            Ref r = repo.exactRef(ref);
            if (r == null) {
                return false;
            }
            try {
                return walk.isMergedInto(walk.parseCommit(commit), walk.parseCommit(r.getObjectId()));
            } catch (MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
                return false;
            }
        }
    }

    /**
     * The commit among the last {@code depth} first-parent commits of the target's main whose
     * {@code Flowstage-Run} trailer names {@code runId}; empty when there is none.
     */
    public Optional<ObjectId> findRunCommit(String team, String target, String runId, int depth) throws IOException {
        try (Repository repo = open(team, target); RevWalk walk = new RevWalk(repo)) {
            ObjectId head = main(repo);
            if (head == null) {
                return Optional.empty();
            }
            RevCommit c = walk.parseCommit(head);
            for (int i = 0; i < depth && c != null; i++) {
                if (c.getFooterLines(RUN_TRAILER).contains(runId)) {
                    return Optional.of(c.copy());
                }
                c = c.getParentCount() == 0 ? null : walk.parseCommit(c.getParent(0));
            }
            return Optional.empty();
        }
    }

    /** Whether {@code commit} is {@code main} of the target or one of its ancestors. */
    public boolean onMain(String team, String target, ObjectId commit) throws IOException {
        try (Repository repo = open(team, target); RevWalk walk = new RevWalk(repo)) {
            ObjectId head = main(repo);
            if (head == null) {
                return false;
            }
            try {
                return walk.isMergedInto(walk.parseCommit(commit), walk.parseCommit(head));
            } catch (MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
                return false;
            }
        }
    }

    private static ObjectId main(Repository repo) throws IOException {
        Ref ref = repo.exactRef(MAIN);
        return ref == null ? null : ref.getObjectId();
    }

    private ObjectId insertCommit(ObjectInserter ins, ObjectId tree, ObjectId parent, String actor, String message,
            boolean sign) throws IOException {
        CommitBuilder cb = new CommitBuilder();
        cb.setTreeId(tree);
        if (parent != null) {
            cb.setParentId(parent);
        }
        cb.setAuthor(ident(actor));
        cb.setCommitter(new PersonIdent("flowstage", "flowstage@flowstage", clock.instant(), ZoneOffset.UTC));
        cb.setMessage(message);
        if (sign) {
            if (signer == null) {
                throw new IllegalStateException("a commit for devices must be signed, and this server has no signing key");
            }
            signer.sign(cb);
        }
        return ins.insert(cb);
    }

    private static ObjectId tree(ObjectInserter ins, TreeMap<String, ObjectId> files) throws IOException {
        TreeFormatter tree = new TreeFormatter();
        // snapshot names are ASCII: String order is Git's tree order
        files.forEach((name, id) -> tree.append(name, FileMode.REGULAR_FILE, id));
        return ins.insert(tree);
    }

    /** The snapshot files at the root of {@code tree}, by name (regular files only, as receive rules ensure). */
    private static Map<String, ObjectId> entries(ObjectReader reader, RevTree tree) throws IOException {
        Map<String, ObjectId> files = new TreeMap<>();
        try (TreeWalk tw = new TreeWalk(reader)) {
            tw.addTree(tree);
            while (tw.next()) {
                String name = tw.getPathString();
                FileMode mode = tw.getFileMode(0);
                if (SnapshotFiles.isSnapshotFile(name)
                        && (mode == FileMode.REGULAR_FILE || mode == FileMode.EXECUTABLE_FILE)) {
                    files.put(name, tw.getObjectId(0));
                }
            }
        }
        return files;
    }

    /** Makes blob {@code id} of the source present in the target (the repos are separate) and returns it. */
    /** A blob of the source, by its id, into the target (see {@link LooseObjectCopy}: not hashed again). */
    private static ObjectId copy(ObjectReader from, ObjectReader to, Repository dst, ObjectId id)
            throws IOException {
        if (to.has(id)) {
            return id;
        }
        return LooseObjectCopy.write(dst, id, Constants.OBJ_BLOB,
                from.open(id, Constants.OBJ_BLOB).getCachedBytes(Integer.MAX_VALUE));
    }

    private static byte[] bytes(ObjectReader reader, ObjectId id) throws IOException {
        return id == null ? null : reader.open(id, Constants.OBJ_BLOB).getCachedBytes(Integer.MAX_VALUE);
    }

    private static RevCommit commit(ObjectReader reader, ObjectId id, String target) throws IOException {
        try (RevWalk walk = new RevWalk(reader)) {
            return walk.parseCommit(id);
        } catch (MissingObjectException | org.eclipse.jgit.errors.IncorrectObjectTypeException e) {
            throw new MetaInvalidException(id.name() + " is not a commit of " + target);
        }
    }

    private Repository open(String team, String target) throws IOException {
        try {
            return repos.open(new RepoName(team, target));
        } catch (RepositoryNotFoundException e) {
            throw new MetaNotFoundException("the repository of '" + target + "' does not exist in team '" + team + "'");
        }
    }

    private PersonIdent ident(String actor) {
        return new PersonIdent(actor, actor + "@flowstage", clock.instant(), ZoneOffset.UTC);
    }
}
