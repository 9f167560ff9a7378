package dev.flowstage.web.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.CachingAuthenticator;
import dev.flowstage.hooks.access.Credentials;
import dev.flowstage.hooks.access.LoginResult;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.access.TeamAccessControl;
import dev.flowstage.hooks.git.DefaultGitAccess;
import dev.flowstage.hooks.git.GitLimits;
import dev.flowstage.storage.meta.AccessToken;
import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.DeviceCredentials;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.storage.secret.Tokens;
import dev.flowstage.web.ops.RequestMetricsFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.DispatcherType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poll handler against the servlet path it stands in front of: two Jetty servers over the same
 * stores, one with {@link GitPollHandler} before the servlet context and one without, asked the same raw
 * HTTP requests; status, headers (but Date) and body must be the same, for devices and users, for
 * unknown and unreadable repositories and bad credentials, and for requests the handler leaves alone.
 */
class GitPollHandlerTest {
    private static final String ALICE_PW = "alice-secret-pw";

    @TempDir
    static Path tmp;
    private static LocalRepoStore repos;
    private static Server fast;
    private static Server slow;
    private static int fastPort;
    private static int slowPort;
    private static SimpleMeterRegistry fastMetrics;
    private static final AtomicInteger FAST_LOGINS = new AtomicInteger();
    private static final Map<String, String> AUTH = new LinkedHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        Clock clock = Clock.systemUTC();
        Path data = tmp.resolve("data");
        repos = new LocalRepoStore(data.resolve("repos"), new GcQueue(1000, Duration.ofHours(1)));
        GitSiteStore site = new GitSiteStore(data.resolve("site.git"), clock);
        GitTeamStore teams = new GitTeamStore(repos, site, clock);
        PasswordHasher hasher = new PasswordHasher(64, 1, 1);
        site.createUser("alice", hasher.hash(ALICE_PW), false);
        site.createUser("vic", hasher.hash(Tokens.randomPassword()), false);
        site.createUser("mallory", hasher.hash(Tokens.randomPassword()), false);
        String deviceToken = Tokens.newDeviceToken();
        site.putDevice(new DeviceCredentials("acme", "pi-1", Tokens.hash(deviceToken), List.of()));
        teams.create("acme", "alice");
        teams.edit("acme", "alice", "set up", c -> c
                .withMember("vic", Role.VIEWER)
                .withApplication("app", new Application("app", "", Instant.EPOCH))
                .withTarget("dev", target(TargetKind.INSTANCE, "dev"))
                .withTarget("pi-1", target(TargetKind.DEVICE, "pi-1"))
                .withTarget("empty", target(TargetKind.INSTANCE, "empty")));
        for (String name : List.of("dev", "pi-1", "orphan", "empty")) {
            repos.create(new RepoName("acme", name)).close();
        }
        seed(new RepoName("acme", "dev"), "first", "refs/heads/main", "refs/heads/feature");
        seed(new RepoName("acme", "orphan"), "first", "refs/heads/main");
        seed(new RepoName("acme", "pi-1"), "first", "refs/heads/main", "refs/heads/feature", "refs/heads/device");
        tag(new RepoName("acme", "dev"), "refs/tags/v1");

        AUTH.put("device", basic("pi-1", deviceToken));
        AUTH.put("device-bearer", "Bearer " + deviceToken);
        AUTH.put("device-under-another-name", basic("pi-2", deviceToken));
        AUTH.put("owner-token", basic("alice", token(site, "alice")));
        AUTH.put("owner-password", basic("alice", ALICE_PW));
        AUTH.put("viewer", basic("vic", token(site, "vic")));
        AUTH.put("not-a-member", basic("mallory", token(site, "mallory")));
        AUTH.put("wrong-token", basic("alice", Tokens.newPersonalToken()));
        AUTH.put("wrong-password", basic("alice", "not-the-password"));
        AUTH.put("malformed", "Basic !!!");
        AUTH.put("unknown-scheme", "Digest x");

        Authenticator auth = new CachingAuthenticator(site, hasher, clock);
        SimpleMeterRegistry slowMetrics = new SimpleMeterRegistry();
        fastMetrics = new SimpleMeterRegistry();
        GitLimits limits = new GitLimits(64L << 20, 1 << 20, Duration.ofMinutes(1));
        DefaultGitAccess slowAccess = new DefaultGitAccess(repos, teams, new TeamAccessControl(teams), limits, slowMetrics);
        DefaultGitAccess fastAccess = new DefaultGitAccess(repos, teams, new TeamAccessControl(teams), limits, fastMetrics);
        slow = server(context(auth, slowAccess, new RequestMetricsFilter(slowMetrics)));
        RequestMetricsFilter fastRequests = new RequestMetricsFilter(fastMetrics);
        GitPollHandler polls = new GitPollHandler(counting(auth), fastAccess, fastRequests, fastMetrics);
        polls.setHandler(context(counting(auth), fastAccess, fastRequests));
        fast = server(polls);
        fastPort = ((ServerConnector) fast.getConnectors()[0]).getLocalPort();
        slowPort = ((ServerConnector) slow.getConnectors()[0]).getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        fast.stop();
        slow.stop();
    }

    @Test
    void answersWhatTheServletAnswersForEveryoneEverywhere() throws Exception {
        List<String> paths = List.of("/git/acme/pi-1.git", "/git/acme/dev.git", "/git/acme/empty.git",
                "/git/acme/orphan.git", "/git/acme/_config.git", "/git/acme/missing.git", "/git/nope/dev.git",
                "/git/acme/pi-1");
        List<byte[]> bodies = List.of(
                lsRefs(List.of(), List.of("ref-prefix refs/heads/main")),
                lsRefs(List.of("agent=git/2.39.5", "object-format=sha1"), List.of("symrefs", "peel", "ref-prefix HEAD",
                        "ref-prefix refs/heads/", "ref-prefix refs/tags/")),
                lsRefs(List.of(), List.of("symrefs", "unborn", "ref-prefix HEAD")),
                lsRefs(List.of(), List.of("peel", "symrefs")),
                lsRefs(List.of(), List.of()));
        int answered200 = 0;
        double directBefore = direct();
        for (String path : paths) {
            for (Map.Entry<String, String> auth : AUTH.entrySet()) {
                for (byte[] body : bodies) {
                    Map<String, String> headers = pollHeaders(auth.getValue());
                    Raw f = post(fastPort, path + "/git-upload-pack", headers, body);
                    Raw s = post(slowPort, path + "/git-upload-pack", headers, body);
                    String what = auth.getKey() + " " + path + " " + new String(body, StandardCharsets.UTF_8);
                    assertSame(s, f, what);
                    if (f.status == 200) {
                        answered200++;
                    }
                }
            }
        }
        assertTrue(answered200 > 0);
        assertEquals(answered200, direct() - directBefore, "every 200 was answered by the poll handler");
        // who may see what: devices only main, device and HEAD of their own repository
        String device = new String(post(fastPort, "/git/acme/pi-1.git/git-upload-pack", pollHeaders(AUTH.get("device")),
                lsRefs(List.of(), List.of("symrefs"))).body, StandardCharsets.UTF_8);
        assertTrue(device.contains(" refs/heads/main\n") && device.contains(" refs/heads/device\n")
                && !device.contains("feature"), device);
        assertEquals(404, post(fastPort, "/git/acme/dev.git/git-upload-pack", pollHeaders(AUTH.get("device")),
                bodies.get(0)).status);
    }

    @Test
    void leavesOtherRequestsToTheServletContextUnchanged() throws Exception {
        String auth = AUTH.get("owner-token");
        byte[] poll = lsRefs(List.of(), List.of("ref-prefix refs/heads/main"));
        byte[] fetch = (pkt("command=fetch\n") + "0001" + pkt("done\n") + "0000").getBytes(StandardCharsets.US_ASCII);
        byte[] odd = (pkt("command=ls-refs\n") + "0001" + pkt("bogus\n") + "0000").getBytes(StandardCharsets.US_ASCII);
        double before = direct();
        Map<String, String> v0 = pollHeaders(auth);
        v0.remove("Git-Protocol");
        Map<String, String> otherType = pollHeaders(auth);
        otherType.put("Content-Type", "text/plain");
        Map<String, String> noAuth = pollHeaders(auth);
        noAuth.remove("Authorization");
        List<Object[]> cases = List.of(
                new Object[] {"/git/acme/dev.git/git-upload-pack", pollHeaders(auth), fetch},
                new Object[] {"/git/acme/dev.git/git-upload-pack", pollHeaders(auth), odd},
                new Object[] {"/git/acme/dev.git/git-upload-pack", otherType, poll},
                new Object[] {"/git/acme/dev.git/git-upload-pack?x=1", pollHeaders(auth), poll},
                new Object[] {"/git/acme/dev.git/git-receive-pack", pollHeaders(auth), poll},
                new Object[] {"/git/acme/%64ev.git/git-upload-pack", pollHeaders(auth), poll},
                new Object[] {"/git/acme/Dev.git/git-upload-pack", pollHeaders(auth), poll},
                new Object[] {"/git/acme/dev.git/git-upload-pack", noAuth, poll});
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Map<String, String> headers = (Map<String, String>) c[1];
            assertSame(post(slowPort, (String) c[0], headers, (byte[]) c[2]),
                    post(fastPort, (String) c[0], headers, (byte[]) c[2]), (String) c[0] + " " + headers.keySet());
        }
        assertSame(post(slowPort, "/git/acme/dev.git/git-upload-pack", v0, poll),
                post(fastPort, "/git/acme/dev.git/git-upload-pack", v0, poll), "no Git-Protocol");
        assertEquals(before, direct(), "none of these was answered by the poll handler");
    }

    @Test
    void aRefUpdateIsSeenByTheNextPoll() throws Exception {
        RepoName pi = new RepoName("acme", "pi-1");
        Map<String, String> headers = pollHeaders(AUTH.get("device"));
        byte[] body = lsRefs(List.of(), List.of("ref-prefix refs/heads/main"));
        for (int i = 0; i < 5; i++) {
            ObjectId moved = seed(pi, "move " + i, "refs/heads/main");
            Raw f = post(fastPort, "/git/acme/pi-1.git/git-upload-pack", headers, body);
            assertEquals(pkt(moved.name() + " refs/heads/main\n") + "0000", new String(f.body, StandardCharsets.UTF_8));
            // asked twice: the second answer comes from what was kept, and is still the new one
            assertEquals(new String(f.body, StandardCharsets.UTF_8), new String(
                    post(fastPort, "/git/acme/pi-1.git/git-upload-pack", headers, body).body, StandardCharsets.UTF_8));
        }
        // a ref that did not exist is created: the next poll of that prefix lists it
        ObjectId created = seed(pi, "new branch", "refs/heads/device-2");
        String all = new String(post(fastPort, "/git/acme/pi-1.git/git-upload-pack", pollHeaders(AUTH.get("owner-token")),
                lsRefs(List.of(), List.of("ref-prefix refs/heads/"))).body, StandardCharsets.UTF_8);
        assertTrue(all.contains(created.name() + " refs/heads/device-2\n"), all);
    }

    @Test
    void aFailedSignInIsTriedOnce() throws Exception {
        int before = FAST_LOGINS.get();
        Raw r = post(fastPort, "/git/acme/dev.git/git-upload-pack", pollHeaders(AUTH.get("wrong-token")),
                lsRefs(List.of(), List.of("ref-prefix refs/heads/main")));
        assertEquals(401, r.status);
        assertEquals(1, FAST_LOGINS.get() - before, "the handler's sign-in is handed to the Git filter");
        before = FAST_LOGINS.get();
        assertEquals(404, post(fastPort, "/git/acme/missing.git/git-upload-pack", pollHeaders(AUTH.get("owner-token")),
                lsRefs(List.of(), List.of("ref-prefix refs/heads/main"))).status);
        assertEquals(1, FAST_LOGINS.get() - before);
    }

    @Test
    void answeredPollsAreTimedLikeEveryRequest() throws Exception {
        double before = fastMetrics.find("http.server.requests").tags("area", "git", "method", "POST", "status", "200")
                .timers().stream().mapToDouble(t -> t.count()).sum();
        assertEquals(200, post(fastPort, "/git/acme/pi-1.git/git-upload-pack", pollHeaders(AUTH.get("device")),
                lsRefs(List.of(), List.of("ref-prefix refs/heads/main"))).status);
        double after = fastMetrics.find("http.server.requests").tags("area", "git", "method", "POST", "status", "200")
                .timers().stream().mapToDouble(t -> t.count()).sum();
        assertEquals(1, after - before);
    }

    // ---- helpers

    private static double direct() {
        return fastMetrics.counter(GitPollHandler.ANSWERED).count();
    }

    private static void assertSame(Raw expected, Raw actual, String what) {
        assertEquals(expected.status, actual.status, what);
        assertEquals(expected.headers, actual.headers, what);
        assertEquals(new String(expected.body, StandardCharsets.ISO_8859_1), new String(actual.body, StandardCharsets.ISO_8859_1),
                what);
    }

    private static Authenticator counting(Authenticator auth) {
        return new Authenticator() {
            @Override
            public Optional<Principal> basic(String username, String secret) {
                return auth.basic(username, secret);
            }

            @Override
            public Optional<Principal> bearer(String token) {
                return auth.bearer(token);
            }

            @Override
            public LoginResult login(Credentials credentials, String remoteAddress) {
                FAST_LOGINS.incrementAndGet();
                return auth.login(credentials, remoteAddress);
            }

            @Override
            public Optional<Principal> publicKey(PublicKey key) {
                return auth.publicKey(key);
            }

            @Override
            public void invalidateAll() {
                auth.invalidateAll();
            }
        };
    }

    private static ServletContextHandler context(Authenticator auth, DefaultGitAccess access, RequestMetricsFilter requests) {
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(requests), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(new GitAuthFilter(auth)), "/git/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new FlowstageGitServlet(access)), "/git/*");
        return context;
    }

    private static Server server(Handler handler) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(handler);
        server.start();
        return server;
    }

    private static Map<String, String> pollHeaders(String authorization) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Git-Protocol", "version=2");
        h.put("Content-Type", "application/x-git-upload-pack-request");
        h.put("Accept", "application/x-git-upload-pack-result");
        h.put("Authorization", authorization);
        return h;
    }

    private record Raw(int status, Map<String, String> headers, byte[] body) {}

    /** One request on a fresh socket, read to the end: the status, the headers but Date, the body. */
    private static Raw post(int port, String path, Map<String, String> headers, byte[] body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            StringBuilder req = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            byte[] bytes = all.toByteArray();
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            String[] lines = text.substring(0, end).split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> h = new java.util.TreeMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                String name = lines[i].substring(0, colon).toLowerCase(Locale.ROOT);
                if (!name.equals("date")) {
                    h.merge(name, lines[i].substring(colon + 1).strip(), (a, b) -> a + ", " + b);
                }
            }
            byte[] content = java.util.Arrays.copyOfRange(bytes, end + 4, bytes.length);
            return new Raw(status, h, content);
        }
    }

    private static byte[] lsRefs(List<String> capabilities, List<String> args) {
        StringBuilder b = new StringBuilder(pkt("command=ls-refs\n"));
        capabilities.forEach(c -> b.append(pkt(c + "\n")));
        b.append("0001");
        args.forEach(a -> b.append(pkt(a + "\n")));
        return b.append("0000").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String pkt(String line) {
        return String.format("%04x", line.getBytes(StandardCharsets.UTF_8).length + 4) + line;
    }

    private static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static String token(GitSiteStore site, String user) {
        String token = Tokens.newPersonalToken();
        site.addToken(user, new AccessToken("git", Tokens.hash(token), TokenScope.WRITE, Instant.now(), null));
        return token;
    }

    private static Target target(TargetKind kind, String name) {
        return new Target(kind, name, "app", false, null, null, null, null, Instant.EPOCH);
    }

    /** A new server-side commit; each of {@code refs} is pointed at it. */
    private static ObjectId seed(RepoName name, String message, String... refs) throws IOException {
        try (Repository repo = repos.open(name); ObjectInserter ins = repo.newObjectInserter()) {
            TreeFormatter tree = new TreeFormatter();
            tree.append("flows.json", FileMode.REGULAR_FILE,
                    ins.insert(Constants.OBJ_BLOB, ("[\"" + message + "\"]\n").getBytes(StandardCharsets.UTF_8)));
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(ins.insert(tree));
            PersonIdent who = new PersonIdent("flowstage", "server@flowstage.invalid");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage(message);
            Ref head = repo.exactRef("refs/heads/main");
            if (head != null) {
                cb.setParentId(head.getObjectId());
            }
            ObjectId id = ins.insert(cb);
            ins.flush();
            for (String ref : refs) {
                RefUpdate ru = repo.updateRef(ref);
                ru.setNewObjectId(id);
                ru.setForceUpdate(true);
                RefUpdate.Result result = ru.update();
                assertTrue(result == RefUpdate.Result.NEW || result == RefUpdate.Result.FORCED
                        || result == RefUpdate.Result.FAST_FORWARD, result.toString());
            }
            return id;
        }
    }

    /** An annotated tag on main, so that peel has something to show. */
    private static void tag(RepoName name, String ref) throws IOException {
        try (Repository repo = repos.open(name); ObjectInserter ins = repo.newObjectInserter()) {
            org.eclipse.jgit.lib.TagBuilder tb = new org.eclipse.jgit.lib.TagBuilder();
            tb.setObjectId(repo.exactRef("refs/heads/main").getObjectId(), Constants.OBJ_COMMIT);
            tb.setTag(ref.substring("refs/tags/".length()));
            tb.setTagger(new PersonIdent("flowstage", "server@flowstage.invalid"));
            tb.setMessage("release");
            ObjectId id = ins.insert(tb);
            ins.flush();
            RefUpdate ru = repo.updateRef(ref);
            ru.setNewObjectId(id);
            assertEquals(RefUpdate.Result.NEW, ru.update());
        }
    }
}
