package dev.flowstage.hooks.events;

import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.secret.AesGcmSecretBox;
import dev.flowstage.storage.secret.SecretBox;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** Real Git-backed stores in a temporary data dir with team {@code acme} owned by olive. */
final class TeamFixture implements AutoCloseable {
    final GcQueue gc = new GcQueue(1000, Duration.ofHours(1));
    final LocalRepoStore repos;
    final GitSiteStore site;
    final GitTeamStore teams;
    final SecretBox secrets;

    TeamFixture(Path data) throws Exception {
        Clock clock = Clock.systemUTC();
        repos = new LocalRepoStore(data.resolve("repos"), gc);
        site = new GitSiteStore(data.resolve("site.git"), clock);
        teams = new GitTeamStore(repos, site, clock);
        secrets = AesGcmSecretBox.loadOrCreate(data.resolve("secrets/master.key"));
        site.createUser("olive", "not-a-hash", false);
        teams.create("acme", "olive");
    }

    @Override
    public void close() {
        gc.close();
        site.close();
    }
}
