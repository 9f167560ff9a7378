package dev.flowstage.storage.meta;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.InvalidNameException;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitTeamStoreTest {
    private static final Instant NOW = Instant.parse("2026-11-22T07:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path data;
    private GcQueue gc;
    private LocalRepoStore repos;
    private GitSiteStore site;
    private GitTeamStore teams;

    @BeforeEach
    void open() {
        gc = new GcQueue(100, Duration.ofHours(1));
        repos = new LocalRepoStore(data.resolve("repos"), gc);
        site = new GitSiteStore(data.resolve("site.git"), CLOCK);
        teams = new GitTeamStore(repos, site, CLOCK);
    }

    @AfterEach
    void close() {
        site.close();
        gc.close();
    }

    @Test
    void createMakesTheConfigRepoWithTheOwnerAndRegistersTheName() throws Exception {
        TeamConfig web = teams.create("web", "alice");
        assertEquals("web", web.name());
        assertEquals(NOW, web.createdAt());
        assertEquals(Map.of("alice", Role.OWNER), web.members());
        assertEquals(List.of("web"), site.teams());
        assertTrue(repos.exists(new RepoName("web", RepoName.CONFIG)));
        assertEquals("{\n  \"alice\": \"owner\"\n}\n", file("web", "members.json"));
        assertEquals("{\n  \"name\": \"web\",\n  \"createdAt\": \"2026-11-22T07:00:00Z\"\n}\n", file("web", "team.json"));
        PersonIdent author = author("web");
        assertEquals("alice <alice@flowstage>", author.getName() + " <" + author.getEmailAddress() + ">");
        assertEquals(NOW, author.getWhenAsInstant());
    }

    @Test
    void duplicateAndInvalidTeamsAreRefusedBeforeAnyPathIsBuilt() {
        teams.create("web", "alice");
        MetaConflictException e = assertThrows(MetaConflictException.class, () -> teams.create("web", "bob"));
        assertEquals("team 'web' already exists", e.getMessage());
        assertThrows(InvalidNameException.class, () -> teams.create("../x", "alice"));
        assertThrows(InvalidNameException.class, () -> teams.create("Web", "alice"));
        assertFalse(Files.exists(data.resolve("x")));
        assertTrue(teams.team("../x").isEmpty());
        assertThrows(MetaNotFoundException.class, () -> teams.edit("../x", "alice", "m", c -> c));
    }

    @Test
    void failedRegistrationRemovesTheRepo() {
        // the name is taken in the registry although no config repo exists (e.g. a concurrent create)
        SiteStore racing = registersOnFirstLookup(site, "web");
        GitTeamStore store = new GitTeamStore(repos, racing, CLOCK);
        MetaConflictException e = assertThrows(MetaConflictException.class, () -> store.create("web", "alice"));
        assertEquals("team 'web' already exists", e.getMessage());
        assertFalse(repos.exists(new RepoName("web", RepoName.CONFIG)));
    }

    @Test
    void editRoundTripsApplicationsTargetsAndExtraFiles() throws Exception {
        teams.create("web", "alice");
        Target dev = new Target(TargetKind.INSTANCE, "dev", "shop", false, new NodeRedLink("http://nr:1880", "v1:tok"),
                "v1:cred", null, null, NOW);
        Target prod = new Target(TargetKind.INSTANCE, "prod", "shop", true, null, null, null, null, NOW);
        Target fleet = new Target(TargetKind.GROUP, "fleet", "shop", false, null, null, null, null, NOW);
        Target pi = new Target(TargetKind.DEVICE, "pi", "shop", false, null, null, "prod", "fleet", NOW);
        TeamConfig edited = teams.edit("web", "alice", "Add shop", c -> c
                .withMember("bob", Role.MEMBER)
                .withApplication("shop", new Application("shop", "the shop", NOW))
                .withTarget("dev", dev).withTarget("prod", prod).withTarget("fleet", fleet).withTarget("pi", pi)
                .withExtraFile("pipelines/release.json", "{}\n".getBytes(UTF_8)));
        TeamConfig read = teams.team("web").orElseThrow();
        assertSame(edited, read);
        assertEquals(Map.of("alice", Role.OWNER, "bob", Role.MEMBER), read.members());
        assertEquals(new Application("shop", "the shop", NOW), read.applications().get("shop"));
        assertEquals(Map.of("dev", dev, "prod", prod, "fleet", fleet, "pi", pi), read.targets());
        assertArrayEquals("{}\n".getBytes(UTF_8), read.extraFiles().get("pipelines/release.json"));
        assertEquals("""
                {
                  "application": "shop",
                  "protected": false,
                  "nodeRed": {
                    "url": "http://nr:1880",
                    "sealedToken": "v1:tok"
                  },
                  "sealedCredentialSecret": "v1:cred",
                  "createdAt": "2026-11-22T07:00:00Z"
                }
                """, file("web", "instances/dev.json"));
        assertTrue(file("web", "instances/prod.json").contains("\"protected\": true"));
        assertTrue(file("web", "devices/pi.json").contains("\"instance\": \"prod\""));
    }

    @Test
    void filesPushedByOthersSurviveAnApiEdit() throws Exception {
        teams.create("web", "alice");
        try (Repository repo = repos.open(new RepoName("web", RepoName.CONFIG))) {
            new MetaRef(repo, GitTeamStore.REF).update("push", new PersonIdent("bob", "bob@x"), s -> {
                Map<String, byte[]> m = new HashMap<>(s.files());
                m.put("webhooks.yaml", "hooks: []\n".getBytes(UTF_8));
                m.put("instances/README.md", "notes\n".getBytes(UTF_8));
                return m;
            });
        }
        teams.edit("web", "alice", "Add app", c -> c.withApplication("a", new Application("a", null, NOW)));
        TeamConfig c = teams.team("web").orElseThrow();
        assertEquals("hooks: []\n", new String(c.extraFiles().get("webhooks.yaml"), UTF_8));
        assertEquals("notes\n", file("web", "instances/README.md"));
    }

    @Test
    void editErrorsHaveClearMessagesAndWriteNothing() throws Exception {
        teams.create("web", "alice");
        ObjectId before = head("web");
        MetaNotFoundException nf = assertThrows(MetaNotFoundException.class, () -> teams.edit("nope", "a", "m", c -> c));
        assertEquals("team 'nope' does not exist", nf.getMessage());
        MetaConflictException refusal = new MetaConflictException("application 'a' already exists");
        assertSame(refusal, assertThrows(MetaConflictException.class, () -> teams.edit("web", "alice", "m", c -> {
            throw refusal;
        })));
        MetaInvalidException bad = assertThrows(MetaInvalidException.class, () -> teams.edit("web", "alice", "m",
                c -> c.withTarget("dev", new Target(TargetKind.INSTANCE, "dev", "ghost", false, null, null, null, null, NOW))));
        assertEquals("instance 'dev' refers to application 'ghost', which does not exist", bad.getMessage());
        MetaInvalidException noOwner = assertThrows(MetaInvalidException.class,
                () -> teams.edit("web", "alice", "m", c -> c.withMember("alice", null)));
        assertEquals("team 'web' must keep at least one owner", noOwner.getMessage());
        assertEquals(before, head("web"));
        // an edit that changes nothing makes no commit
        teams.edit("web", "alice", "noop", c -> c);
        assertEquals(before, head("web"));
    }

    @Test
    void badFilesInTheRepoAreReportedByName() {
        teams.create("web", "alice");
        TeamConfig base = teams.team("web").orElseThrow();
        Map<String, byte[]> files = new HashMap<>(TeamConfigFiles.format(base));
        files.put("instances/dev.json", "{\"protected\": true}".getBytes(UTF_8));
        files.put("devices/dev.json", "{}".getBytes(UTF_8));
        MetaInvalidException twice = assertThrows(MetaInvalidException.class, () -> TeamConfigFiles.parse("web", files));
        assertEquals("target 'dev' is defined twice: devices/dev.json and instances/dev.json "
                + "(instances, devices and groups share one namespace)", twice.getMessage());
        files.remove("devices/dev.json");
        files.put("members.json", "{\"alice\": \"king\"}".getBytes(UTF_8));
        assertEquals("members.json: role of 'alice' must be one of owner, member, viewer",
                assertThrows(MetaInvalidException.class, () -> TeamConfigFiles.parse("web", files)).getMessage());
        files.put("members.json", "{\"alice\": \"owner\"}".getBytes(UTF_8));
        files.put("groups/Bad.json", "{}".getBytes(UTF_8));
        assertEquals("groups/Bad.json: 'Bad' is not a valid name (1-63 lower-case letters, digits and '-')",
                assertThrows(MetaInvalidException.class, () -> TeamConfigFiles.parse("web", files)).getMessage());
        files.remove("groups/Bad.json");
        files.put("applications/a.json", "[1".getBytes(UTF_8));
        assertEquals("applications/a.json: not valid JSON",
                assertThrows(MetaInvalidException.class, () -> TeamConfigFiles.parse("web", files)).getMessage());
    }

    @Test
    void readsAreCachedByCommit() {
        teams.create("web", "alice");
        TeamConfig first = teams.team("web").orElseThrow();
        assertSame(first, teams.team("web").orElseThrow());
        teams.edit("web", "alice", "add", c -> c.withMember("bob", Role.VIEWER));
        assertNotSame(first, teams.team("web").orElseThrow());
    }

    @Test
    void twoThreadsEditingOneTeamLoseNothing() throws Exception {
        teams.create("web", "alice");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 10; i++) {
                        String app = "app-" + thread + "-" + i;
                        teams.edit("web", "user" + thread, "Add " + app,
                                c -> c.withApplication(app, new Application(app, null, NOW)));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(20, teams.team("web").orElseThrow().applications().size());
    }

    @Test
    void aNewStoreOnTheSameDataSeesTheTeams() {
        teams.create("web", "alice");
        teams.edit("web", "alice", "add", c -> c.withMember("bob", Role.MEMBER));
        GitTeamStore again = new GitTeamStore(new LocalRepoStore(data.resolve("repos"), gc),
                new GitSiteStore(data.resolve("site.git"), CLOCK), CLOCK);
        assertEquals(Role.MEMBER, again.team("web").orElseThrow().role("bob"));
    }

    @Test
    void deleteRemovesRepoAndRegistration() {
        teams.create("web", "alice");
        teams.delete("web");
        assertTrue(teams.team("web").isEmpty());
        assertEquals(List.of(), site.teams());
        assertEquals("team 'web' does not exist",
                assertThrows(MetaNotFoundException.class, () -> teams.delete("web")).getMessage());
        teams.create("web", "bob");
        assertEquals(Map.of("bob", Role.OWNER), teams.team("web").orElseThrow().members());
    }

    /** A SiteStore whose first teams() answer is already outdated: another create registered the name meanwhile. */
    private static SiteStore registersOnFirstLookup(SiteStore site, String team) {
        AtomicBoolean first = new AtomicBoolean(true);
        return (SiteStore) Proxy.newProxyInstance(SiteStore.class.getClassLoader(), new Class<?>[] {SiteStore.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("teams") && first.getAndSet(false)) {
                        List<String> before = site.teams();
                        site.registerTeam(team);
                        return before;
                    }
                    try {
                        return method.invoke(site, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private String file(String team, String path) throws Exception {
        try (Repository repo = repos.open(new RepoName(team, RepoName.CONFIG))) {
            return new String(new MetaRef(repo, GitTeamStore.REF).read().files().get(path), UTF_8);
        }
    }

    private ObjectId head(String team) throws Exception {
        try (Repository repo = repos.open(new RepoName(team, RepoName.CONFIG))) {
            return new MetaRef(repo, GitTeamStore.REF).head();
        }
    }

    private PersonIdent author(String team) throws Exception {
        try (Repository repo = repos.open(new RepoName(team, RepoName.CONFIG)); RevWalk rw = new RevWalk(repo)) {
            RevCommit c = rw.parseCommit(repo.resolve(GitTeamStore.REF));
            return c.getAuthorIdent();
        }
    }
}
