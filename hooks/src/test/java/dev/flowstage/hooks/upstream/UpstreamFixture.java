package dev.flowstage.hooks.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.events.FlowstageEvent;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.hooks.remote.RemoteGit;
import dev.flowstage.hooks.secrets.GitIntegrations;
import dev.flowstage.hooks.secrets.TeamSecrets;
import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.review.GitReviewStore;
import dev.flowstage.storage.secret.AesGcmSecretBox;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * Real stores over a temp data dir: team "acme" owned by olga, application "factory", instances "line"
 * (credentialSecret "line-secret"), "safe" (protected) and "other"; the upstream services wired as the server wires
 * them, with the outbound policy allowing loopback, events and main-moved notices recorded.
 */
final class UpstreamFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String TEAM = "acme";

    final Clock clock = Clock.systemUTC();
    final GcQueue gc = new GcQueue(1_000_000, Duration.ofHours(1));
    final LocalRepoStore repos;
    final GitSiteStore site;
    final GitTeamStore teams;
    final AesGcmSecretBox box;
    final GitReviewStore reviews;
    final TeamSecrets secrets;
    final GitIntegrations integrations;
    final UpstreamStore store;
    final UpstreamStatusLog log;
    final UpstreamSync sync;
    final AddressPolicy policy = AddressPolicy.parse("127.0.0.0/8");
    final List<FlowstageEvent> events = new CopyOnWriteArrayList<>();
    final List<String> moved = new CopyOnWriteArrayList<>();

    UpstreamFixture(Path dir, Duration timeout) throws IOException {
        repos = new LocalRepoStore(dir.resolve("repos"), gc);
        site = new GitSiteStore(dir.resolve("site.git"), clock);
        teams = new GitTeamStore(repos, site, clock);
        box = AesGcmSecretBox.loadOrCreate(dir.resolve("secrets/master.key"));
        reviews = new GitReviewStore(repos, clock);
        site.createUser("olga", "$argon2id$unused", false);
        teams.create(TEAM, "olga");
        teams.edit(TEAM, "olga", "set up", c -> c
                .withApplication("factory", new Application("factory", "", Instant.EPOCH))
                .withTarget("line", instance("line", false, "line-secret"))
                .withTarget("safe", instance("safe", true, null))
                .withTarget("other", instance("other", false, "other-secret")));
        for (String t : List.of("line", "safe", "other")) {
            repos.create(new RepoName(TEAM, t)).close();
        }
        secrets = new TeamSecrets(teams, box, clock);
        integrations = new GitIntegrations(teams, box, clock);
        store = new UpstreamStore(teams, box, clock, policy);
        log = new UpstreamStatusLog(repos, clock);
        MainMovedListener mainMoved = (team, target, oldSha, newSha, actor) -> moved.add(target + "@" + newSha);
        sync = new UpstreamSync(new UpstreamSync.Services(teams, store, log,
                new UpstreamEndpoints(secrets, integrations, policy, timeout),
                new UpstreamRemotes(new RemoteGit(new OutboundConnector(policy)), dir.resolve("upstream"), clock), repos,
                reviews, mainMoved, events::add, box, clock));
    }

    Target instance(String name, boolean protectedMain, String credentialSecret) {
        return new Target(TargetKind.INSTANCE, name, "factory", protectedMain, null,
                credentialSecret == null ? null : box.seal(credentialSecret), null, null, Instant.EPOCH);
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ObjectId main(String target) throws IOException {
        try (Repository repo = repos.open(new RepoName(TEAM, target))) {
            return repo.resolve("refs/heads/main");
        }
    }

    Snapshot snapshot(String target) throws IOException {
        try (Repository repo = repos.open(new RepoName(TEAM, target))) {
            ObjectId main = repo.resolve("refs/heads/main");
            return main == null ? Snapshot.EMPTY : SnapshotReader.read(repo, main);
        }
    }

    String message(String target) throws IOException {
        try (Repository repo = repos.open(new RepoName(TEAM, target));
                org.eclipse.jgit.revwalk.RevWalk w = new org.eclipse.jgit.revwalk.RevWalk(repo)) {
            return w.parseCommit(repo.resolve("refs/heads/main")).getFullMessage();
        }
    }

    List<String> states(String instance) {
        return events.stream().filter(e -> e.type().equals(FlowstageEvent.UPSTREAM) && e.target().equals(instance))
                .map(e -> String.valueOf(e.data().get("state"))).toList();
    }

    @Override
    public void close() {
        gc.close();
        site.close();
    }
}
