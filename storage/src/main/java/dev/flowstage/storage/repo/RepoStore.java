package dev.flowstage.storage.repo;

import java.io.IOException;
import java.nio.file.Path;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Repository;

/**
 * Owns the bare repositories under {@code DATA/repos/TEAM/NAME.git}. Handles come from JGit's
 * RepositoryCache: callers {@code close()} what they open. Names are validated by {@link RepoName}
 * before any path is built.
 */
public interface RepoStore {
    Path path(RepoName name);

    boolean exists(RepoName name);

    /** @throws RepositoryNotFoundException when it does not exist */
    Repository open(RepoName name) throws IOException;

    /** Creates an empty bare repository (HEAD → refs/heads/main, receive.autogc=false); returns it open. */
    Repository create(RepoName name) throws IOException;

    /** Closes cached handles and removes the repository from disk. */
    void delete(RepoName name) throws IOException;

    /** Called after a push was stored; the GC queue decides when to repack. */
    void pushed(RepoName name);
}
