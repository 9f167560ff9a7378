package dev.flowstage.hooks.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.access.DevicePrincipal;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.access.TeamAccessControl;
import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand.ResetType;
import org.eclipse.jgit.errors.NotSupportedException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.TestProtocol;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.resolver.ServiceNotAuthorizedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DefaultGitAccess through JGit's in-process transport, over real stores. */
class DefaultGitAccessTest {
    private static final RepoName DEV = new RepoName("acme", "dev");
    private static final RepoName PI = new RepoName("acme", "pi-1");
    private static final UserPrincipal MIA = new UserPrincipal("mia", false, TokenScope.WRITE);

    @TempDir
    Path dir;
    private final AtomicInteger pushed = new AtomicInteger();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private RepoStore repos;
    private DefaultGitAccess access;
    private TestProtocol<GitRequest> protocol;
    private Git client;

    @BeforeEach
    void setUp() throws Exception {
        Clock clock = Clock.systemUTC();
        repos = new CountingRepoStore(new LocalRepoStore(dir.resolve("repos"), new GcQueue(100, Duration.ofHours(1))));
        GitSiteStore site = new GitSiteStore(dir.resolve("site.git"), clock);
        GitTeamStore teams = new GitTeamStore(repos, site, clock);
        for (String user : List.of("olga", "mia", "vic", "mallory")) {
            site.createUser(user, "$argon2id$unused", false);
        }
        teams.create("acme", "olga");
        teams.edit("acme", "olga", "set up", c -> c
                .withMember("mia", Role.MEMBER)
                .withMember("vic", Role.VIEWER)
                .withApplication("app", new Application("app", "", Instant.EPOCH))
                .withTarget("dev", new Target(TargetKind.INSTANCE, "dev", "app", false, null, null, null, null, Instant.EPOCH))
                .withTarget("pi-1", new Target(TargetKind.DEVICE, "pi-1", "app", false, null, null, null, null, Instant.EPOCH)));
        for (String name : List.of("dev", "pi-1", "orphan")) {
            repos.create(new RepoName("acme", name)).close();
        }
        access = new DefaultGitAccess(repos, teams, new TeamAccessControl(teams), GitLimits.DEFAULTS, metrics);
        protocol = new TestProtocol<>(access::uploadPack, access::receivePack);
        Transport.register(protocol);
        client = Git.init().setDirectory(dir.resolve("client").toFile()).setInitialBranch("main").call();
    }

    @AfterEach
    void tearDown() {
        Transport.unregister(protocol);
        client.close();
    }

    @Test
    void missingForbiddenAndUnlistedRepositoriesAllLookMissing() {
        UserPrincipal mallory = new UserPrincipal("mallory", false, TokenScope.ADMIN);
        assertNotFound(mallory, DEV);
        assertNotFound(MIA, new RepoName("acme", "nope"));
        assertNotFound(MIA, new RepoName("acme", "orphan"));
        assertNotFound(MIA, new RepoName("zeta", "dev"));
        assertNotFound(new DevicePrincipal("acme", "pi-1"), DEV);
    }

    @Test
    void viewersAndReadTokensMayNotPush() throws Exception {
        for (Principal who : List.of(new UserPrincipal("vic", false, TokenScope.ADMIN), new UserPrincipal("mia", false, TokenScope.READ))) {
            try (Repository repo = access.open(who, DEV)) {
                ServiceNotAuthorizedException e = assertThrows(ServiceNotAuthorizedException.class,
                        () -> access.receivePack(request(who, DEV), repo));
                assertEquals("flowstage: you may not push to acme/dev", e.getMessage());
            }
        }
    }

    @Test
    void aStoredPushIsReportedAndARefusedOneIsNot() throws Exception {
        RevCommit first = commit("first");
        assertEquals(RemoteRefUpdate.Status.OK, push(MIA, DEV, first, "refs/heads/main", false).getStatus());
        assertEquals(1, pushed.get());
        assertEquals(1, metrics.get(DefaultGitAccess.RECEIVE_TIMER).tag("result", "ok").tag("transport", "test").timer().count());

        client.reset().setMode(ResetType.HARD).setRef(first.getName()).call();
        RevCommit rewritten = client.commit().setAmend(true).setMessage("rewritten").call();
        RemoteRefUpdate refused = push(MIA, DEV, rewritten, "refs/heads/main", true);
        assertEquals(RemoteRefUpdate.Status.REJECTED_OTHER_REASON, refused.getStatus());
        assertEquals("flowstage: main only moves forward: a non-fast-forward update is refused"
                + " (fetch and merge, or push to another branch)", refused.getMessage());
        assertEquals(1, pushed.get());
        assertEquals(1, metrics.get(DefaultGitAccess.RECEIVE_TIMER).tag("result", "rejected").timer().count());
    }

    @Test
    void aDeviceSeesOnlyHeadMainAndItsDeviceBranch() throws Exception {
        RevCommit c = commit("snapshot");
        UserPrincipal olga = new UserPrincipal("olga", false, TokenScope.ADMIN);
        assertEquals(RemoteRefUpdate.Status.OK, push(olga, PI, c, "refs/heads/feature", false).getStatus());
        // main and tags of a device are written by the server (a promotion, a named snapshot), not pushed
        assertEquals(RemoteRefUpdate.Status.REJECTED_OTHER_REASON, push(olga, PI, c, "refs/heads/main", false).getStatus());
        assertEquals(RemoteRefUpdate.Status.REJECTED_OTHER_REASON, push(olga, PI, c, "refs/tags/v1", false).getStatus());
        try (Repository served = repos.open(PI)) {
            for (String ref : List.of("refs/heads/main", "refs/tags/v1")) {
                RefUpdate ru = served.updateRef(ref);
                ru.setNewObjectId(c);
                assertEquals(RefUpdate.Result.NEW, ru.update());
            }
        }
        DevicePrincipal pi = new DevicePrincipal("acme", "pi-1");
        assertEquals(RemoteRefUpdate.Status.OK, push(pi, PI, c, "refs/heads/device", false).getStatus());

        assertEquals(Set.of("HEAD", "refs/heads/main", "refs/heads/device"), advertised(pi, PI));
        assertEquals(Set.of("HEAD", "refs/heads/main", "refs/heads/device", "refs/heads/feature", "refs/tags/v1"),
                advertised(MIA, PI));
    }

    @Test
    void lsRefsAnswersAsItsUploadPackWouldAndCountsAsAnUploadPackRequest() throws Exception {
        RevCommit c = commit("snapshot");
        UserPrincipal olga = new UserPrincipal("olga", false, TokenScope.ADMIN);
        assertEquals(RemoteRefUpdate.Status.OK, push(olga, PI, c, "refs/heads/feature", false).getStatus());
        try (Repository served = repos.open(PI)) {
            RefUpdate ru = served.updateRef("refs/heads/main");
            ru.setNewObjectId(c);
            assertEquals(RefUpdate.Result.NEW, ru.update());
        }
        LsRefsCommand command = LsRefsCommand.parse(LsRefsCommandTest.request("command=ls-refs", List.of(),
                List.of("symrefs", "ref-prefix HEAD", "ref-prefix refs/heads/"))).orElseThrow();
        for (Principal who : List.<Principal>of(new DevicePrincipal("acme", "pi-1"), olga)) {
            GitRequest http = new GitRequest(who, PI, "http", "127.0.0.1", List.of("version=2"));
            try (Repository repo = access.open(who, PI)) {
                double before = metrics.counter(DefaultGitAccess.UPLOAD_REQUESTS, "transport", "http").count();
                String fast = new String(access.lsRefs(http, repo, command), StandardCharsets.UTF_8);
                assertEquals(before + 1, metrics.counter(DefaultGitAccess.UPLOAD_REQUESTS, "transport", "http").count());
                assertEquals(new String(command.answer(access.uploadPack(http, repo)), StandardCharsets.UTF_8), fast);
                assertEquals(who instanceof DevicePrincipal, !fast.contains("refs/heads/feature"), fast);
            }
        }
    }

    @Test
    void objectFiltersAreOfferedInBothProtocolVersions() throws Exception {
        try (Repository repo = access.open(MIA, DEV)) {
            String v2 = advertisement(new GitRequest(MIA, DEV, "http", "127.0.0.1", List.of("version=2")), repo);
            assertTrue(v2.contains("fetch=filter "), v2);
            String v0 = advertisement(new GitRequest(MIA, DEV, "ssh", "127.0.0.1", List.of()), repo);
            assertTrue(v0.contains(" filter"), v0);
            // what a partial clone in protocol v0 needs to fetch a missing object by id
            assertTrue(v0.contains(" allow-reachable-sha1-in-want"), v0);
        }
    }

    /** What {@code request}'s UploadPack sends before the client says anything, pkt-line framing kept. */
    private String advertisement(GitRequest request, Repository repo) throws IOException {
        UploadPack up = access.uploadPack(request, repo);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            up.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(new PacketLineOut(out)), null);
        } finally {
            up.getRevWalk().close();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void jgitsTimerThreadIsUsedOnSshOnlyHttpReliesOnJettysIdleTimeout() throws Exception {
        try (Repository repo = access.open(MIA, DEV)) {
            GitRequest http = new GitRequest(MIA, DEV, "http", "127.0.0.1", List.of("version=2"));
            GitRequest ssh = new GitRequest(MIA, DEV, "ssh", "127.0.0.1", List.of("version=2"));
            assertEquals(0, access.uploadPack(http, repo).getTimeout());
            assertEquals(0, access.receivePack(http, repo).getTimeout());
            assertEquals(GitLimits.DEFAULTS.timeoutSeconds(), access.uploadPack(ssh, repo).getTimeout());
            assertEquals(GitLimits.DEFAULTS.timeoutSeconds(), access.receivePack(ssh, repo).getTimeout());
        }
    }

    private void assertNotFound(Principal who, RepoName name) {
        RepositoryNotFoundException e = assertThrows(RepositoryNotFoundException.class, () -> access.open(who, name).close());
        assertEquals(new RepositoryNotFoundException(name.toString()).getMessage(), e.getMessage());
    }

    private RevCommit commit(String message) throws Exception {
        return client.commit().setAllowEmpty(true).setMessage(message).call();
    }

    private RemoteRefUpdate push(Principal who, RepoName name, ObjectId id, String ref, boolean force) throws Exception {
        try (Repository served = access.open(who, name);
             Transport transport = Transport.open(client.getRepository(), protocol.register(request(who, name), served))) {
            PushResult result = transport.push(NullProgressMonitor.INSTANCE,
                    List.of(new RemoteRefUpdate(client.getRepository(), id.getName(), ref, force, null, null)));
            return result.getRemoteUpdate(ref);
        }
    }

    private Set<String> advertised(Principal who, RepoName name) throws IOException {
        try (Repository served = access.open(who, name);
             Transport transport = Transport.open(client.getRepository(), protocol.register(request(who, name), served));
             FetchConnection fetch = transport.openFetch()) {
            return new TreeSet<>(fetch.getRefsMap().keySet());
        } catch (NotSupportedException e) {
            throw new IOException(e);
        }
    }

    private static GitRequest request(Principal who, RepoName name) {
        return new GitRequest(who, name, "test", "local", List.of());
    }

    /** The real store, with pushes counted. */
    private final class CountingRepoStore implements RepoStore {
        private final RepoStore delegate;

        CountingRepoStore(RepoStore delegate) {
            this.delegate = delegate;
        }

        @Override
        public Path path(RepoName name) {
            return delegate.path(name);
        }

        @Override
        public boolean exists(RepoName name) {
            return delegate.exists(name);
        }

        @Override
        public Repository open(RepoName name) throws IOException {
            return delegate.open(name);
        }

        @Override
        public Repository create(RepoName name) throws IOException {
            return delegate.create(name);
        }

        @Override
        public void delete(RepoName name) throws IOException {
            delegate.delete(name);
        }

        @Override
        public void pushed(RepoName name) {
            pushed.incrementAndGet();
            delegate.pushed(name);
        }
    }
}
