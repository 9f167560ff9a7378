package dev.flowstage.hooks.remote.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real Git server on loopback serving bare repositories from a folder, with the pieces an upstream
 * configuration needs to reach it; {@link #commit} writes to a repository behind the server's back, as
 * someone pushing to it elsewhere would.
 */
public abstract class GitRemote implements AutoCloseable {
    public final Path dir;
    public final Path repos;

    protected GitRemote(Path dir) throws IOException {
        this.dir = dir;
        this.repos = Files.createDirectories(dir.resolve("repos"));
    }

    /** The URL of repository {@code name} (created bare when it does not exist). */
    public abstract String url(String name);

    /** "https" or "ssh". */
    public abstract String protocol();

    /** The secrets (path → value) the configuration's references name. */
    public abstract Map<String, String> secrets();

    /** The configuration's {@code auth} (references to {@link #secrets()}) and extras (caCert, knownHosts), as JSON members. */
    public abstract String authJson();

    /** The same, with a credential the server refuses. */
    public abstract Map<String, String> wrongSecrets();

    /** Creates bare repository {@code name}. */
    public void create(String name) throws Exception {
        Path bare = repos.resolve(name + ".git");
        Cli.run(repos, "git", "init", "-q", "--bare", "-b", "main", bare.toString());
        Cli.run(bare, "git", "config", "http.receivepack", "true");
    }

    /** Commits {@code files} (path → content) on {@code branch} of repository {@code name}; returns the commit. */
    public String commit(String name, String branch, Map<String, String> files, String message) throws Exception {
        Path work = Files.createTempDirectory(dir, "work");
        Path bare = repos.resolve(name + ".git");
        Cli.run(work, "git", "init", "-q", "-b", branch, ".");
        boolean exists = !Cli.run(work, "git", "ls-remote", bare.toString(), "refs/heads/" + branch).isBlank();
        if (exists) {
            Cli.run(work, "git", "fetch", "-q", bare.toString(), branch);
            Cli.run(work, "git", "reset", "-q", "--hard", "FETCH_HEAD");
        }
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = work.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        Cli.run(work, "git", "add", "-A");
        Cli.run(work, "git", "commit", "-q", "-m", message);
        Cli.run(work, "git", "push", "-q", bare.toString(), "HEAD:refs/heads/" + branch);
        return Cli.run(work, "git", "rev-parse", "HEAD").strip();
    }
}
