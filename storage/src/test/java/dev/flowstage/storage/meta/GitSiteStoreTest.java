package dev.flowstage.storage.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.InvalidNameException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitSiteStoreTest {
    private static final Instant NOW = Instant.parse("2026-11-22T07:00:00Z");

    @TempDir
    Path data;
    private GitSiteStore site;

    @BeforeEach
    void open() {
        site = new GitSiteStore(data.resolve("site.git"), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void close() {
        site.close();
    }

    @Test
    void createsAndListsUsers() {
        User bob = site.createUser("bob", "$argon2id$x", false);
        site.createUser("alice", "$argon2id$y", true);
        assertEquals(new User("bob", "$argon2id$x", false, NOW, List.of(), List.of()), bob);
        assertEquals(Optional.of(bob), site.user("bob"));
        assertEquals(List.of("alice", "bob"), site.users().stream().map(User::name).toList());
        assertTrue(site.user("alice").orElseThrow().admin());
    }

    @Test
    void duplicateAndInvalidUserNamesAreRefused() {
        site.createUser("bob", "h", false);
        MetaConflictException e = assertThrows(MetaConflictException.class, () -> site.createUser("bob", "h", false));
        assertEquals("user 'bob' already exists", e.getMessage());
        assertThrows(InvalidNameException.class, () -> site.createUser("../evil", "h", false));
        assertEquals(Optional.empty(), site.user("../evil"));
        assertEquals(Optional.empty(), site.user("Bob"));
    }

    @Test
    void userFileIsReadableJson() throws Exception {
        site.createUser("bob", "h", false);
        site.addToken("bob", new AccessToken("ci", "abc", TokenScope.WRITE, NOW, null));
        String json = file("users/bob.json");
        assertEquals("""
                {
                  "name": "bob",
                  "passwordHash": "h",
                  "admin": false,
                  "createdAt": "2026-11-22T07:00:00Z",
                  "keys": [],
                  "tokens": [
                    {
                      "name": "ci",
                      "hash": "abc",
                      "scope": "write",
                      "createdAt": "2026-11-22T07:00:00Z"
                    }
                  ]
                }
                """, json);
    }

    @Test
    void tokensAreFoundByHashAndRevokedAtOnce() {
        site.createUser("bob", "h", false);
        AccessToken t = new AccessToken("ci", "hash1", TokenScope.READ, NOW, NOW.plusSeconds(60));
        site.addToken("bob", t);
        assertEquals(Optional.of(new TokenOwner(KeyOwner.user("bob"), t)), site.tokenByHash("hash1"));
        MetaConflictException dup = assertThrows(MetaConflictException.class,
                () -> site.addToken("bob", new AccessToken("ci", "hash2", TokenScope.READ, NOW, null)));
        assertEquals("user 'bob' already has a token named 'ci'", dup.getMessage());
        assertTrue(site.revokeToken("bob", "ci"));
        assertEquals(Optional.empty(), site.tokenByHash("hash1"));
        assertFalse(site.revokeToken("bob", "ci"));
        MetaNotFoundException nf = assertThrows(MetaNotFoundException.class, () -> site.revokeToken("zed", "ci"));
        assertEquals("user 'zed' does not exist", nf.getMessage());
    }

    @Test
    void aTokenLookupCarriesItsUsersAdminFlagFromTheSameState() {
        site.createUser("bob", "h", false);
        site.createUser("root", "h", true);
        AccessToken bobs = new AccessToken("ci", "hash-bob", TokenScope.WRITE, NOW, null);
        AccessToken roots = new AccessToken("ops", "hash-root", TokenScope.ADMIN, NOW, null);
        site.addToken("bob", bobs);
        site.addToken("root", roots);
        site.putDevice(new DeviceCredentials("team", "pi", "hash-pi", List.of()));
        assertEquals(Optional.of(new TokenLookup(new TokenOwner(KeyOwner.user("bob"), bobs), false)), site.tokenLookup("hash-bob"));
        assertEquals(Optional.of(new TokenLookup(new TokenOwner(KeyOwner.user("root"), roots), true)), site.tokenLookup("hash-root"));
        assertEquals(Optional.of(new TokenLookup(new TokenOwner(KeyOwner.device("team", "pi"), null), null)), site.tokenLookup("hash-pi"));
        assertEquals(Optional.empty(), site.tokenLookup("nope"));
        assertEquals(Optional.empty(), site.tokenLookup(null));
        // the interface's default, made of two reads, agrees
        SiteStore twoReads = (SiteStore) java.lang.reflect.Proxy.newProxyInstance(SiteStore.class.getClassLoader(),
                new Class<?>[] {SiteStore.class}, (proxy, method, args) -> method.isDefault()
                        ? java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args)
                        : method.invoke(site, args));
        for (String hash : List.of("hash-bob", "hash-root", "hash-pi", "nope")) {
            assertEquals(site.tokenLookup(hash), twoReads.tokenLookup(hash), hash);
        }
    }

    @Test
    void keysAreUniqueAcrossUsersAndDevices() {
        site.createUser("bob", "h", false);
        site.createUser("eve", "h", false);
        SshKey key = new SshKey("laptop", "SHA256:abc", "ssh-ed25519 AAAA bob", NOW);
        site.addKey("bob", key);
        assertEquals(Optional.of(KeyOwner.user("bob")), site.keyByFingerprint("SHA256:abc"));
        MetaConflictException e = assertThrows(MetaConflictException.class,
                () -> site.addKey("eve", new SshKey("mine", "SHA256:abc", "ssh-ed25519 AAAA", NOW)));
        assertEquals("SSH key SHA256:abc is already registered", e.getMessage());
        MetaConflictException title = assertThrows(MetaConflictException.class,
                () -> site.addKey("bob", new SshKey("laptop", "SHA256:other", "ssh-ed25519 BBBB", NOW)));
        assertEquals("user 'bob' already has an SSH key titled 'laptop'", title.getMessage());
        assertThrows(MetaConflictException.class, () -> site.putDevice(
                new DeviceCredentials("team", "pi", "dh", List.of(new SshKey("k", "SHA256:abc", "x", NOW)))));
        assertTrue(site.removeKey("bob", "SHA256:abc"));
        assertFalse(site.removeKey("bob", "laptop"));
        assertEquals(Optional.empty(), site.keyByFingerprint("SHA256:abc"));
        site.addKey("eve", new SshKey("mine", "SHA256:abc", "ssh-ed25519 AAAA", NOW));
        assertTrue(site.removeKey("eve", "mine"));
    }

    @Test
    void deviceCredentialsAreIndexed() {
        DeviceCredentials pi = new DeviceCredentials("team", "pi", "devhash",
                List.of(new SshKey("pi", "SHA256:dev", "ssh-ed25519 CCCC", NOW)));
        site.putDevice(pi);
        assertEquals(Optional.of(pi), site.device("team", "pi"));
        assertEquals(Optional.of(new TokenOwner(KeyOwner.device("team", "pi"), null)), site.tokenByHash("devhash"));
        assertEquals(Optional.of(KeyOwner.device("team", "pi")), site.keyByFingerprint("SHA256:dev"));
        // replacing its own credentials with the same key is fine; the old token stops working
        site.putDevice(new DeviceCredentials("team", "pi", "newhash", pi.keys()));
        assertEquals(Optional.empty(), site.tokenByHash("devhash"));
        assertThrows(InvalidNameException.class, () -> site.putDevice(new DeviceCredentials("team", "../x", "h", List.of())));
        site.removeDevice("team", "pi");
        assertEquals(Optional.empty(), site.device("team", "pi"));
        assertEquals(Optional.empty(), site.tokenByHash("newhash"));
    }

    @Test
    void teamsAreRegisteredOnce() {
        site.registerTeam("web");
        site.registerTeam("iot");
        assertEquals(List.of("iot", "web"), site.teams());
        MetaConflictException e = assertThrows(MetaConflictException.class, () -> site.registerTeam("web"));
        assertEquals("team 'web' already exists", e.getMessage());
        assertThrows(InvalidNameException.class, () -> site.registerTeam("Web"));
        site.putDevice(new DeviceCredentials("web", "pi", "h", List.of()));
        site.unregisterTeam("web");
        assertEquals(List.of("iot"), site.teams());
        assertEquals(Optional.empty(), site.tokenByHash("h"), "devices of a removed team stop authenticating");
    }

    @Test
    void updateUserKeepsTheNameAndReportsUnknownUsers() {
        site.createUser("bob", "old", false);
        User u = site.updateUser("bob", x -> new User(x.name(), "new", true, x.createdAt(), x.keys(), x.tokens()));
        assertEquals("new", u.passwordHash());
        assertEquals("new", site.user("bob").orElseThrow().passwordHash());
        MetaInvalidException e = assertThrows(MetaInvalidException.class, () -> site.updateUser("bob",
                x -> new User("robert", "h", false, x.createdAt(), x.keys(), x.tokens())));
        assertEquals("a user cannot be renamed", e.getMessage());
        assertThrows(MetaNotFoundException.class, () -> site.updateUser("zed", x -> x));
    }

    @Test
    void readsAreCachedByCommit() {
        site.createUser("bob", "h", false);
        SiteState first = site.state();
        assertSame(first, site.state());
        site.createUser("carol", "h", false);
        assertNotSame(first, site.state());
    }

    @Test
    void aNewInstanceOnTheSameDirectorySeesTheData() {
        site.createUser("bob", "h", false);
        site.registerTeam("web");
        try (GitSiteStore again = new GitSiteStore(data.resolve("site.git"), Clock.systemUTC())) {
            assertTrue(again.user("bob").isPresent());
            assertEquals(List.of("web"), again.teams());
        }
    }

    @Test
    void concurrentWritersLoseNothing() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < 15; i++) {
                        site.createUser("u" + thread + "-" + i, "h", false);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(30, site.users().size());
    }

    private String file(String path) throws Exception {
        try (Repository repo = new FileRepositoryBuilder().setGitDir(data.resolve("site.git").toFile()).build()) {
            MetaRef.Snapshot s = new MetaRef(repo, GitSiteStore.REF).read();
            return new String(s.files().get(path), StandardCharsets.UTF_8);
        }
    }

    @Test
    void reportsPasswordChangesOnly() {
        List<String> changed = new ArrayList<>();
        try (GitSiteStore reporting = new GitSiteStore(data.resolve("reporting.git"), Clock.systemUTC(), changed::add)) {
            reporting.createUser("admin", "hash-1", true);
            reporting.createUser("erin", "hash-1", false);
            reporting.updateUser("admin", u -> new User(u.name(), u.passwordHash(), u.admin(), u.createdAt(), u.keys(), u.tokens()));
            assertEquals(List.of(), changed, "creation and edits that keep the hash are no change");
            reporting.updateUser("erin", u -> new User(u.name(), "hash-2", u.admin(), u.createdAt(), u.keys(), u.tokens()));
            reporting.updateUser("admin", u -> new User(u.name(), "hash-2", u.admin(), u.createdAt(), u.keys(), u.tokens()));
            assertEquals(List.of("erin", "admin"), changed);
        }
    }
}
