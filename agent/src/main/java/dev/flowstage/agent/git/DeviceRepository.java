package dev.flowstage.agent.git;

import dev.flowstage.agent.AgentException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;

/**
 * The agent's local bare clone of the device repository, in the state dir. Its refs say how far the agent
 * got: {@code refs/flowstage/fetched} is the server's {@code main} as last fetched (complete: JGit moves a
 * ref only after the whole pack arrived and was checked), {@code refs/flowstage/applied} the commit last
 * deployed to Node-RED (it survives restarts, so nothing is re-deployed needlessly), and
 * {@code refs/flowstage/device} the server's {@code refs/heads/device} as last fetched by {@code snapshot}.
 */
public final class DeviceRepository implements AutoCloseable {
    public static final String FETCHED = "refs/flowstage/fetched";
    public static final String APPLIED = "refs/flowstage/applied";
    public static final String DEVICE = "refs/flowstage/device";
    public static final String UPLOAD = "refs/flowstage/upload";
    static final String MAIN = Constants.R_HEADS + "main";
    static final String DEVICE_BRANCH = Constants.R_HEADS + "device";

    private final Repository repo;
    private final GitAccess access;

    private DeviceRepository(Repository repo, GitAccess access) {
        this.repo = repo;
        this.access = access;
    }

    /** Opens (creating on first use) the bare clone at {@code stateDir/repo.git}. */
    public static DeviceRepository open(Path stateDir, GitAccess access) {
        Path dir = stateDir.resolve("repo.git");
        try {
            Repository repo = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().build();
            if (!repo.getObjectDatabase().exists()) {
                repo.create(true);
            }
            return new DeviceRepository(repo, access);
        } catch (IOException | IllegalStateException e) {
            throw new AgentException("cannot open the agent's repository at " + dir + ": " + e.getMessage());
        }
    }

    public Repository repository() {
        return repo;
    }

    /**
     * Fetches the server's {@code main} into {@link #FETCHED} (force: a rollback may move it back).
     *
     * @return the fetched commit, or empty when the server's repository has no main yet
     */
    public Optional<ObjectId> fetchMain() {
        return fetch(MAIN, FETCHED);
    }

    /** Fetches the server's {@code refs/heads/device} into {@link #DEVICE}; empty when it does not exist. */
    public Optional<ObjectId> fetchDevice() {
        return fetch(DEVICE_BRANCH, DEVICE);
    }

    private Optional<ObjectId> fetch(String remote, String local) {
        try (Git git = new Git(repo)) {
            FetchResult result = access.apply(git.fetch()).setRemote(access.url())
                    .setRefSpecs(new RefSpec("+" + remote + ":" + local)).setRemoveDeletedRefs(false).call();
            Ref advertised = result.getAdvertisedRef(remote);
            if (advertised == null) {
                return Optional.empty();
            }
            return Optional.ofNullable(ref(local)).filter(id -> id.equals(advertised.getObjectId()));
        } catch (TransportException e) {
            if (!remoteHas(remote)) {
                return Optional.empty(); // JGit refuses to fetch a ref the server does not have
            }
            throw new GitFetchException("fetching " + remote + " from " + access.url() + " failed: " + clean(e));
        } catch (GitAPIException e) {
            throw new GitFetchException("fetching " + remote + " from " + access.url() + " failed: " + clean(e));
        }
    }

    /** Whether the server advertises {@code remote}; true when that cannot be told (the fetch's error stands). */
    private boolean remoteHas(String remote) {
        try {
            return access.apply(Git.lsRemoteRepository()).setRemote(access.url()).setHeads(true).call().stream()
                    .anyMatch(r -> r.getName().equals(remote));
        } catch (GitAPIException e) {
            return true;
        }
    }

    /** The commit a local ref points at, or null. */
    public ObjectId ref(String name) {
        try {
            Ref r = repo.exactRef(name);
            return r == null ? null : r.getObjectId();
        } catch (IOException e) {
            throw new AgentException("cannot read " + name + " in " + repo.getDirectory() + ": " + e.getMessage());
        }
    }

    /** Points local ref {@code name} at {@code id} (forced). */
    public void setRef(String name, ObjectId id) {
        try {
            RefUpdate u = repo.updateRef(name);
            u.setNewObjectId(id);
            u.setForceUpdate(true);
            RefUpdate.Result r = u.update();
            if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED && r != RefUpdate.Result.NO_CHANGE
                    && r != RefUpdate.Result.FAST_FORWARD) {
                throw new AgentException("cannot update " + name + " in " + repo.getDirectory() + ": " + r);
            }
        } catch (IOException e) {
            throw new AgentException("cannot update " + name + " in " + repo.getDirectory() + ": " + e.getMessage());
        }
    }

    /** The raw bytes of commit {@code id} as stored, which its signature covers. */
    public byte[] rawCommit(ObjectId id) {
        try (RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(id);
            return c.getRawBuffer().clone();
        } catch (IOException e) {
            throw new AgentException("cannot read commit " + id.name() + ": " + e.getMessage());
        }
    }

    @Override
    public void close() {
        repo.close();
    }

    /** JGit's message, with any URL user info taken out (the token never reaches a log). */
    static String clean(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable cause = e.getCause();
        while (cause != null && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause != null && cause.getMessage() != null && !m.contains(cause.getMessage())) {
            m = m + " (" + cause.getMessage() + ")";
        }
        return m.replaceAll("://[^/@\\s]*@", "://").replaceAll("\\s+", " ");
    }
}
