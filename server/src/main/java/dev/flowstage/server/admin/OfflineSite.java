package dev.flowstage.server.admin;

import dev.flowstage.server.InitialAdminPassword;
import dev.flowstage.server.ServerLock;
import dev.flowstage.server.logging.ConsoleLogConfigurator;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.repo.HostConfigIsolation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The site store of a stopped server's data directory, opened under the server's own lock so
 * that the two never write at once; closing it releases the lock.
 */
final class OfflineSite implements AutoCloseable {
    private final ServerLock lock;
    private final GitSiteStore site;

    private OfflineSite(ServerLock lock, GitSiteStore site) {
        this.lock = lock;
        this.site = site;
    }

    /**
     * @throws AdminException when {@code dataDir} holds no Flowstage data or a server is running on it
     */
    static OfflineSite open(Path dataDir) throws IOException {
        // what the command prints on standard output is its answer (a password): logs go to standard error
        ConsoleLogConfigurator.toStandardError();
        Path siteRepo = dataDir.resolve("site.git");
        if (!Files.isDirectory(siteRepo)) {
            throw new AdminException("no Flowstage data in " + dataDir.toAbsolutePath().normalize()
                    + " (start the server once first, or point --data or FLOWSTAGE_DATA at its data directory)");
        }
        ServerLock lock;
        try {
            lock = ServerLock.acquire(dataDir);
        } catch (ServerLock.Held e) {
            throw new AdminException(e.getMessage() + "; stop it first, or change users through the REST API"
                    + " (PATCH /api/v1/users/NAME, POST /api/v1/users)");
        }
        try {
            HostConfigIsolation.install(dataDir.resolve("jgit.config"));
            InitialAdminPassword initial = new InitialAdminPassword(dataDir);
            return new OfflineSite(lock, new GitSiteStore(siteRepo, Clock.systemUTC(), initial::passwordChanged));
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    GitSiteStore site() {
        return site;
    }

    @Override
    public void close() {
        site.close();
        lock.close();
    }
}
