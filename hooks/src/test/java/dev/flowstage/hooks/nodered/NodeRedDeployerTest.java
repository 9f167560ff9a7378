package dev.flowstage.hooks.nodered;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.hooks.outbound.OutboundHttp;
import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.meta.NodeRedLink;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.secret.AesGcmSecretBox;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The deployer over real stores and a stand-in Node-RED: off the caller's thread, one at a time, latest wins. */
class NodeRedDeployerTest {
    private static final String SECRET = "instance-secret";
    private static final PersonIdent WHO = new PersonIdent("t", "t@example.test");

    @TempDir
    Path dir;
    private FakeNodeRed fake;
    private LocalRepoStore repos;
    private GitSiteStore site;
    private GitTeamStore teams;
    private AesGcmSecretBox secrets;
    private InstanceStatusStore status;
    private NodeRedDeployer deployer;
    private OutboundHttp outbound;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeNodeRed();
        Clock clock = Clock.systemUTC();
        repos = new LocalRepoStore(dir.resolve("repos"), new GcQueue(100, Duration.ofHours(1)));
        site = new GitSiteStore(dir.resolve("site.git"), clock);
        teams = new GitTeamStore(repos, site, clock);
        secrets = AesGcmSecretBox.loadOrCreate(dir.resolve("master.key"));
        site.createUser("olga", "$argon2id$unused", false);
        teams.create("acme", "olga");
        teams.edit("acme", "olga", "set up", c -> c
                .withApplication("app", new Application("app", "", Instant.EPOCH))
                .withTarget("dev", instance("dev", new NodeRedLink(fake.url(), null), secrets.seal(SECRET)))
                .withTarget("nosecret", instance("nosecret", new NodeRedLink(fake.url(), null), null))
                .withTarget("offline", instance("offline", null, null)));
        for (String name : new String[] {"dev", "nosecret", "offline"}) {
            repos.create(new RepoName("acme", name)).close();
        }
        status = new InstanceStatusStore(repos);
        outbound = new OutboundHttp(new OutboundConnector(AddressPolicy.parse("127.0.0.1")), Duration.ofSeconds(10));
        deployer = new NodeRedDeployer(teams, repos, secrets, new NodeRedClients(secrets, outbound, Duration.ofSeconds(10)),
                status, clock, 2);
    }

    @AfterEach
    void tearDown() throws Exception {
        deployer.close();
        outbound.close();
        fake.close();
        site.close();
    }

    private static Target instance(String name, NodeRedLink link, String sealedSecret) {
        return new Target(TargetKind.INSTANCE, name, "app", false, link, sealedSecret, null, null, Instant.EPOCH);
    }

    private ObjectId commit(String target, Snapshot snapshot) throws Exception {
        try (Repository repo = repos.open(new RepoName("acme", target))) {
            return MainBranch.commit(repo, MainBranch.head(repo), snapshot, WHO, "change\n");
        }
    }

    private static Snapshot flows(String nodeId) {
        return Snapshot.EMPTY.with("flows.json", "[{\"id\":\"" + nodeId + "\",\"type\":\"tab\"}]");
    }

    private void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (deployer.busy()) {
            if (System.nanoTime() > deadline) {
                fail("deployments still running after 30 s");
            }
            Thread.sleep(20);
        }
    }

    @Test
    void deploysOffTheCallersThreadOneAtATimeLatestWins() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        fake.handler = (ex, r) -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            release.await(30, TimeUnit.SECONDS);
            inFlight.decrementAndGet();
            FakeNodeRed.reply(ex, 200, "application/json", "{\"rev\":\"x\"}");
        };
        ObjectId first = commit("dev", flows("v1"));
        // the first deployment hangs in Node-RED: the caller (a push) must not wait for it
        assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> deployer.onMainMoved("acme", "dev", null, first.name(), "olga"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (fake.requests.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10); // main moves on only once the first deployment is in Node-RED's hands
        }
        assertTrue(fake.requests.get(0).body().contains("\"v1\""));
        ObjectId last = null;
        for (int i = 2; i <= 4; i++) {
            last = commit("dev", flows("v" + i));
            deployer.onMainMoved("acme", "dev", null, last.name(), "olga");
        }
        release.countDown();
        awaitIdle();
        assertEquals(2, fake.requests.size(), "the first, then one for everything that came meanwhile");
        assertEquals(1, maxInFlight.get());
        assertTrue(fake.requests.get(1).body().contains("\"v4\""), fake.requests.get(1).body());
        InstanceStatus s = status.read("acme", "dev").orElseThrow();
        assertEquals(InstanceStatus.OK, s.state());
        assertEquals(last.name(), s.deployedCommit());
    }

    @Test
    void credentialsTravelDecryptedOnTheirNodes() throws Exception {
        ObjectNode creds = NodeRedJson.MAPPER.createObjectNode();
        creds.putObject("mq").put("user", "bob").put("password", "hunter2");
        ObjectId c = commit("dev", Snapshot.EMPTY
                .with("flows.json", "[{\"id\":\"mq\",\"type\":\"mqtt-broker\"},{\"id\":\"t\",\"type\":\"tab\"}]")
                .with("flows_cred.json", NodeRedCredentials.encrypt(creds, SECRET)));
        deployer.onMainMoved("acme", "dev", null, c.name(), "olga");
        awaitIdle();
        JsonNode body = NodeRedJson.MAPPER.readTree(fake.requests.get(0).body());
        assertEquals("hunter2", body.get("flows").get(0).get("credentials").get("password").asText());
        assertFalse(body.get("flows").get(1).has("credentials"));
        assertEquals("full", fake.requests.get(0).deploymentType());
    }

    @Test
    void encryptedCredentialsWithoutASecretAreAnErrorInTheStatus() throws Exception {
        ObjectNode creds = NodeRedJson.MAPPER.createObjectNode();
        creds.putObject("mq").put("password", "x");
        ObjectId c = commit("nosecret", flows("a").with("flows_cred.json", NodeRedCredentials.encrypt(creds, "other")));
        deployer.onMainMoved("acme", "nosecret", null, c.name(), "olga");
        awaitIdle();
        assertEquals(0, fake.requests.size(), "nothing half-deployed");
        InstanceStatus s = status.read("acme", "nosecret").orElseThrow();
        assertEquals(InstanceStatus.ERROR, s.state());
        assertEquals(c.name(), s.commit());
        assertTrue(s.message().startsWith("deployment failed: credentials not deployed: flows_cred.json is encrypted")
                && s.message().endsWith("(set the instance's credentialSecret)"), s.message());
    }

    @Test
    void aCommitAlreadyDeployedIsNotDeployedAgainAndOfflineInstancesAreIgnored() throws Exception {
        ObjectId c = commit("dev", flows("a"));
        deployer.onMainMoved("acme", "dev", null, c.name(), "olga");
        awaitIdle();
        deployer.onMainMoved("acme", "dev", null, c.name(), "olga");
        awaitIdle();
        assertEquals(1, fake.requests.size());
        ObjectId o = commit("offline", flows("b"));
        deployer.onMainMoved("acme", "offline", null, o.name(), "olga");
        deployer.onMainMoved("acme", "no-such-target", null, o.name(), "olga");
        deployer.onMainMoved("nope", "dev", null, o.name(), "olga");
        awaitIdle();
        assertEquals(1, fake.requests.size());
        assertTrue(status.read("acme", "offline").isEmpty());
    }

    @Test
    void aFailureIsRecordedAndTheNextMoveTriesAgain() throws Exception {
        fake.handler = (ex, r) -> FakeNodeRed.reply(ex, 400, "application/json",
                "{\"code\":\"unexpected_error\",\"message\":\"Error: bad flows\"}");
        ObjectId first = commit("dev", flows("a"));
        deployer.onMainMoved("acme", "dev", null, first.name(), "olga");
        awaitIdle();
        InstanceStatus failed = status.read("acme", "dev").orElseThrow();
        assertEquals(InstanceStatus.ERROR, failed.state());
        assertTrue(failed.message().endsWith("refused deploying the flows (400 Bad Request)"), failed.message());
        assertFalse(failed.message().contains("bad flows"), "Node-RED's own text is not repeated: " + failed.message());
        fake.handler = (ex, r) -> FakeNodeRed.reply(ex, 200, "application/json", "{\"rev\":\"2\"}");
        deployer.onMainMoved("acme", "dev", null, first.name(), "olga");
        awaitIdle();
        assertEquals(InstanceStatus.OK, status.read("acme", "dev").orElseThrow().state());
        assertEquals(2, fake.requests.size());
    }

    @Test
    void catchUpRetriesWhatFailedAndSkipsWhatRuns() throws Exception {
        ObjectId c = commit("dev", flows("a"));
        ObjectId n = commit("nosecret", flows("b"));
        fake.handler = (ex, r) -> FakeNodeRed.reply(ex, 503, "text/plain", "starting");
        deployer.onMainMoved("acme", "dev", null, c.name(), "olga");
        awaitIdle();
        assertEquals(InstanceStatus.ERROR, status.read("acme", "dev").orElseThrow().state());
        fake.handler = (ex, r) -> FakeNodeRed.reply(ex, 200, "application/json", "{\"rev\":\"2\"}");
        deployer.catchUp(java.util.List.of("acme", "no-such-team"));
        awaitIdle();
        assertEquals(c.name(), status.read("acme", "dev").orElseThrow().deployedCommit());
        assertEquals(n.name(), status.read("acme", "nosecret").orElseThrow().deployedCommit());
        int requests = fake.requests.size();
        deployer.catchUp(java.util.List.of("acme"));
        awaitIdle();
        assertEquals(requests, fake.requests.size(), "both run their main already");
        assertTrue(status.read("acme", "offline").isEmpty());
    }
}
