package dev.flowstage.hooks.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.hooks.remote.RemoteGit;
import dev.flowstage.hooks.secrets.GitIntegrations;
import dev.flowstage.hooks.remote.testing.Cli;
import dev.flowstage.hooks.secrets.TeamSecrets;
import dev.flowstage.hooks.remote.testing.GitRemote;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.lib.Repository;
import dev.flowstage.storage.repo.RepoName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Git stages (SPEC §6) against a real Git server on loopback (the subclasses: HTTPS and SSH): dev is pushed
 * as a FlowFuse snapshot file to branch "staging" of the remote, and qa is deployed from "release" (where a
 * pull request would have merged it).
 */
abstract class GitStagesContract {
    private static final String DEV_FLOWS = "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Line\"},"
            + "{\"id\":\"n1\",\"type\":\"inject\",\"z\":\"t1\",\"name\":\"tick\"}]";

    @TempDir
    Path dir;
    PipelineFixture f;
    GitRemote remote;
    GitIntegrations integrations;
    TeamSecrets teamSecrets;
    GitStageRemote stages;
    PipelineEngine engine;

    @BeforeEach
    void setUp() throws Exception {
        f = new PipelineFixture(dir.resolve("data"));
        remote = start(dir.resolve("remote"));
        remote.create("flows");
        integrations = new GitIntegrations(f.teams, f.secrets, f.clock);
        teamSecrets = new TeamSecrets(f.teams, f.secrets, f.clock);
        credentials(false);
        stages = new GitStageRemote(new RemoteGit(new OutboundConnector(AddressPolicy.parse("127.0.0.0/8"))),
                integrations, teamSecrets, AddressPolicy.parse("127.0.0.0/8"), dir.resolve("data/git-stages"),
                Duration.ofSeconds(20));
        engine = newEngine();
        f.pipeline("{\"name\":\"gitops\",\"application\":\"factory\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\",\"action\":\"use_latest_snapshot\"},"
                + "{\"name\":\"review\",\"git\":{" + connection() + "\"url\":\"" + remote.url("flows") + "\","
                + "\"branch\":\"staging\",\"pullBranch\":\"release\",\"filename\":\"flows/line.json\"}},"
                + "{\"name\":\"qa\",\"instance\":\"qa\"}]}");
    }

    PipelineEngine newEngine() {
        return new PipelineEngine(f.teams, f.runs, f.reviews, f.repos, f.secrets, f.clock, MainMovedListener.NONE,
                LiveCapture.NONE, 2, new PipelineEngine.Devices(null, null, dev.flowstage.hooks.devices.ActiveCommits.NONE),
                stages);
    }

    /**
     * Waits for the run to end, up to 2 minutes: a run makes several connections to a real Git server (SSH:
     * each with a key whose passphrase is stretched), which on a loaded machine takes longer than the
     * fixture's usual bound.
     */
    Run awaitEnd(String id) {
        return f.await(id, r -> r.status().isTerminal(), Duration.ofSeconds(120));
    }

    /** Starts the Git server. */
    abstract GitRemote start(Path dir) throws Exception;

    /** Stores what the stage's connection needs (an integration, or secrets); {@code wrong}: a refused credential. */
    abstract void credentials(boolean wrong);

    /** The members of the stage's "git" object that say how to connect (JSON, ending with a comma). */
    abstract String connection();

    @AfterEach
    void tearDown() throws Exception {
        engine.close();
        remote.close();
        f.close();
    }

    String git(String... args) throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "--git-dir";
        cmd[2] = remote.repos.resolve("flows.git").toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        return Cli.run(dir, cmd);
    }

    private Run deploy(String stage) {
        return awaitEnd(engine.deploy(PipelineFixture.TEAM, "gitops", stage, Optional.empty(), "olga", "api").id());
    }

    @Test
    void pushWritesTheSnapshotAsAFlowFuseFileOnANewBranch() throws Exception {
        Snapshot devSnap = PipelineFixture.flows(DEV_FLOWS)
                .with("flows_cred.json", NodeRedCredentials.encrypt(PipelineFixture.JSON.createObjectNode()
                        .set("n1", PipelineFixture.JSON.createObjectNode().put("password", "p")), "dev-secret"))
                .with("package.json", "{\"name\":\"dev\",\"dependencies\":{\"node-red-contrib-x\":\"1.2.3\"}}")
                .with("env.json", "{\"LINE\":\"4\"}");
        ObjectId devMain = f.commit("dev", devSnap, "dev work");

        Run run = deploy("dev");

        assertEquals(RunStatus.SUCCEEDED, run.status(), String.valueOf(run.error()));
        String tip = git("rev-parse", "refs/heads/staging").strip();
        assertEquals(tip, run.targetAfter());
        assertEquals(devMain.name(), run.sourceCommit());
        assertTrue(run.log().stream().anyMatch(l -> l.message().equals("pushed " + tip.substring(0, 7) + " to staging of "
                + remote.url("flows") + " (flows/line.json)")), run.log().toString());
        String file = git("show", "staging:flows/line.json");
        assertTrue(file.startsWith("{\n    \"name\": \"dev@" + devMain.abbreviate(7).name() + "\",\n"), file);
        JsonNode json = PipelineFixture.JSON.readTree(file);
        assertEquals(List.of("name", "description", "flows", "settings"), fields(json));
        assertEquals(List.of("flows", "credentials"), fields(json.get("flows")));
        assertEquals(List.of("settings", "env", "modules"), fields(json.get("settings")));
        assertEquals(PipelineFixture.JSON.readTree(DEV_FLOWS), json.get("flows").get("flows"));
        assertEquals("p", NodeRedCredentials.read(PipelineFixture.JSON.writeValueAsBytes(json.get("flows").get("credentials")),
                "dev-secret").get("n1").get("password").asText());
        assertEquals("4", json.get("settings").get("env").get("LINE").asText());
        assertEquals("1.2.3", json.get("settings").get("modules").get("node-red-contrib-x").asText());
        String message = git("log", "-1", "--format=%B%n%an", "staging");
        assertTrue(message.contains("Flowstage-Pipeline: gitops") && message.contains("Flowstage-Stage: review")
                && message.contains("Flowstage-Source: acme/dev@" + devMain.name()) && message.contains("olga"), message);
    }

    @Test
    void aConcurrentRemoteCommitIsFetchedAndTheFileWrittenAgainOnTopOfIt() throws Exception {
        String first = remote.commit("flows", "staging", Map.of("README.md", "ours\n"), "Start");
        f.commit("dev", PipelineFixture.flows(DEV_FLOWS), "dev work");
        AtomicInteger hooks = new AtomicInteger();
        String[] concurrent = new String[1];
        stages.beforePush(attempt -> {
            if (hooks.getAndIncrement() == 0) {
                concurrent[0] = remote.commit("flows", "staging", Map.of("other.txt", "theirs\n"), "Someone else");
            }
        });

        Run run = deploy("dev");

        assertEquals(RunStatus.SUCCEEDED, run.status(), String.valueOf(run.error()));
        assertEquals(2, hooks.get(), "one retry");
        assertTrue(run.log().stream().anyMatch(l -> l.message().contains("moved while pushing")), run.log().toString());
        String history = git("log", "--format=%H", "staging");
        assertEquals(List.of(run.targetAfter(), concurrent[0], first), List.of(history.strip().split("\n")));
        assertEquals("theirs\n", git("show", "staging:other.txt"));
        assertTrue(git("show", "staging:flows/line.json").contains("\"tick\""));
    }

    @Test
    void pullPromotesTheFileOnThePullBranchWithTheRemoteCommitAsSource() throws Exception {
        f.commit("qa", PipelineFixture.flows("[]").with("settings.json", "{\"uiPort\":1881}")
                .with("env.json", "{\"LINE\":\"qa-value\"}"), "qa before");
        String file = "{\n    \"name\": \"from FlowFuse\",\n    \"description\": \"\",\n    \"flows\": {\n"
                + "        \"flows\": " + DEV_FLOWS + ",\n        \"credentials\": {}\n    },\n"
                + "    \"settings\": {\"settings\": {\"uiPort\": 9999}, \"env\": {\"LINE\": \"remote\", \"NEW\": \"x\"},"
                + " \"modules\": {\"node-red-contrib-x\": \"1.2.3\"}}\n}\n";
        String sha = remote.commit("flows", "release", Map.of("flows/line.json", file), "Merge pull request #7");

        Run run = deploy("review");

        assertEquals(RunStatus.SUCCEEDED, run.status(), String.valueOf(run.error()));
        assertEquals(sha, run.sourceCommit());
        ObjectId main = f.main("qa");
        assertEquals(main.name(), run.targetAfter());
        try (Repository repo = f.repos.open(new RepoName(PipelineFixture.TEAM, "qa")); RevWalk w = new RevWalk(repo)) {
            RevCommit c = w.parseCommit(main);
            assertEquals(List.of(remote.url("flows") + "@" + sha), c.getFooterLines("Flowstage-Source"));
            assertEquals(List.of(run.id()), c.getFooterLines("Flowstage-Run"));
        }
        Snapshot qa = f.snapshot("qa", main);
        assertEquals(PipelineFixture.JSON.readTree(DEV_FLOWS), PipelineFixture.JSON.readTree(qa.bytes("flows.json").orElseThrow()));
        assertEquals(PipelineFixture.JSON.readTree("{\"uiPort\":1881}"),
                PipelineFixture.JSON.readTree(qa.bytes("settings.json").orElseThrow()), "settings stay the target's");
        assertEquals(PipelineFixture.JSON.readTree("{\"LINE\":\"qa-value\",\"NEW\":\"\"}"),
                PipelineFixture.JSON.readTree(qa.bytes("env.json").orElseThrow()), "env is keys-only");
    }

    @Test
    void aWrongTokenFailsTheRunWithAuthenticationFailedAndChangesNothing() throws Exception {
        credentials(true);
        f.commit("dev", PipelineFixture.flows(DEV_FLOWS), "dev work");
        ObjectId qaBefore = f.main("qa");

        Run push = deploy("dev");
        Run pull = deploy("review");

        assertEquals(RunStatus.FAILED, push.status());
        assertTrue(push.error().startsWith("authentication failed"), push.error());
        assertEquals("", git("branch", "--list"));
        assertEquals(RunStatus.FAILED, pull.status());
        assertTrue(pull.error().startsWith("authentication failed"), pull.error());
        assertEquals(qaBefore, f.main("qa"));
        assertFalse(push.error().contains("wrong-token") || push.error().contains("wrong passphrase"), push.error());
    }

    @Test
    void anUnknownPullBranchIsNamed() throws Exception {
        Run run = deploy("review");

        assertEquals(RunStatus.FAILED, run.status());
        assertEquals("branch not found: 'release' does not exist on " + remote.url("flows"), run.error());
        assertNull(f.main("qa"));
    }

    @Test
    void aFileThatIsNotASnapshotIsNamedWithLineAndColumn() throws Exception {
        remote.commit("flows", "release", Map.of("flows/line.json", "{\n  \"flows\": {\n    \"flows\": [\n  }\n}\n"),
                "Broken");

        Run run = deploy("review");

        assertEquals(RunStatus.FAILED, run.status());
        assertTrue(run.error().startsWith("not a snapshot: flows/line.json: line 4, column"), run.error());
        assertNull(f.main("qa"));
    }

    @Test
    void aRoundTripUsesTheDefaultFileNameAndReencryptsCredentialsForTheTarget() throws Exception {
        f.pipeline("{\"name\":\"plain\",\"application\":\"factory\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\"},"
                + "{\"name\":\"repo\",\"git\":{" + connection() + "\"url\":\"" + remote.url("flows") + "\","
                + "\"branch\":\"auto\"}},"
                + "{\"name\":\"qa\",\"instance\":\"qa\"}]}");
        f.commit("dev", PipelineFixture.flows(DEV_FLOWS).with("flows_cred.json", NodeRedCredentials.encrypt(
                PipelineFixture.JSON.createObjectNode().set("n1", PipelineFixture.JSON.createObjectNode()
                        .put("password", "p")), "dev-secret")), "dev work");

        Run push = awaitEnd(engine.deploy(PipelineFixture.TEAM, "plain", "dev", Optional.empty(), "olga", "api").id());
        Run pull = awaitEnd(engine.deploy(PipelineFixture.TEAM, "plain", "repo", Optional.empty(), "olga", "api").id());

        assertEquals(RunStatus.SUCCEEDED, push.status(), String.valueOf(push.error()));
        assertTrue(git("show", "auto:snapshot-dev.json").contains("\"tick\""));
        assertEquals(RunStatus.SUCCEEDED, pull.status(), String.valueOf(pull.error()));
        assertEquals(push.targetAfter(), pull.sourceCommit());
        Snapshot qa = f.snapshot("qa", f.main("qa"));
        assertEquals("p", NodeRedCredentials.read(qa.bytes("flows_cred.json").orElseThrow(), "qa-secret")
                .get("n1").get("password").asText());
    }

    @Test
    void pullReadsANodeRedProjectFolder() throws Exception {
        f.pipeline("{\"name\":\"project\",\"application\":\"factory\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\"},"
                + "{\"name\":\"repo\",\"git\":{" + connection() + "\"url\":\"" + remote.url("flows") + "\","
                + "\"branch\":\"main\",\"filename\":\"line-project\"}},"
                + "{\"name\":\"qa\",\"instance\":\"qa\"}]}");
        String sha = remote.commit("flows", "main", Map.of("line-project/flows.json", DEV_FLOWS,
                "line-project/package.json", "{\"name\":\"line\",\"dependencies\":{\"node-red-contrib-x\":\"1.2.3\"}}"),
                "Project layout");

        Run run = awaitEnd(engine.deploy(PipelineFixture.TEAM, "project", "repo", Optional.empty(), "olga", "api").id());

        assertEquals(RunStatus.SUCCEEDED, run.status(), String.valueOf(run.error()));
        assertEquals(sha, run.sourceCommit());
        Snapshot qa = f.snapshot("qa", f.main("qa"));
        assertEquals(DEV_FLOWS, new String(qa.bytes("flows.json").orElseThrow(), java.nio.charset.StandardCharsets.UTF_8));
        assertTrue(new String(qa.bytes("package.json").orElseThrow(), java.nio.charset.StandardCharsets.UTF_8)
                .contains("node-red-contrib-x"));
    }

    @Test
    void aGitStageWithApprovalsIsRefusedBeforeAnythingRuns() {
        f.pipeline("{\"name\":\"approved\",\"application\":\"factory\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\"},"
                + "{\"name\":\"repo\",\"approval\":{\"required\":1},\"git\":{" + connection() + "\"url\":\""
                + remote.url("flows") + "\",\"branch\":\"main\"}}]}");

        dev.flowstage.storage.meta.MetaInvalidException e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.flowstage.storage.meta.MetaInvalidException.class,
                () -> engine.deploy(PipelineFixture.TEAM, "approved", "dev", Optional.empty(), "olga", "api"));

        assertEquals("stage 'repo' is a git stage: approvals happen in a pull request on the Git server, not here;"
                + " remove its approvals", e.getMessage());
    }

    /**
     * What FlowFuse's own pull (its snapshot import) reads of the file the push stage wrote, field by field as
     * SPEC §5 describes the format: {@code name, description, flows: {flows, credentials}, settings: {settings,
     * env, modules}}; credentials as {@code {"$": HEX-IV + BASE64}} under aes-256-ctr with sha256(secret) as the
     * key, opened here with the JDK's cipher directly, not with the server's code.
     */
    @Test
    void theFilePushedIsWhatFlowFuseReadsFieldByField() throws Exception {
        Snapshot devSnap = PipelineFixture.flows(DEV_FLOWS)
                .with("flows_cred.json", "{\"n1\":{\"user\":\"u1\",\"password\":\"p\u00e4ss\"}}")
                .with("package.json", "{\"name\":\"dev\",\"version\":\"0.0.1\",\"dependencies\":"
                        + "{\"node-red-contrib-x\":\"1.2.3\",\"@flowfuse/nr-tools\":\"~0.4.0\"}}")
                .with("settings.json", "{\"editorTheme\":{\"palette\":{\"catalogues\":[]}}}")
                .with("env.json", "{\"LINE\":\"4\",\"HOST\":\"plc.local\"}");
        ObjectId devMain = f.commit("dev", devSnap, "dev work");

        Run run = deploy("dev");

        assertEquals(RunStatus.SUCCEEDED, run.status(), String.valueOf(run.error()));
        String text = git("show", "staging:flows/line.json");
        assertTrue(text.endsWith("}\n") && text.contains("\n    \"flows\": {\n        \"flows\": ["), text);
        JsonNode file = PipelineFixture.JSON.readTree(text);
        assertTrue(file.isObject());
        assertEquals(List.of("name", "description", "flows", "settings"), fields(file));
        assertEquals("dev@" + devMain.abbreviate(7).name(), file.get("name").textValue());
        assertTrue(file.get("description").isTextual() && file.get("description").textValue().contains("gitops"),
                file.get("description").toString());

        JsonNode flows = file.get("flows");
        assertEquals(List.of("flows", "credentials"), fields(flows));
        assertTrue(flows.get("flows").isArray());
        assertEquals(PipelineFixture.JSON.readTree(DEV_FLOWS), flows.get("flows"));
        JsonNode creds = flows.get("credentials");
        assertEquals(List.of("$"), fields(creds), "FlowFuse reads encrypted credentials as {\"$\": ...} only");
        String dollar = creds.get("$").textValue();
        assertTrue(dollar.substring(0, 32).matches("[0-9a-f]{32}"), "a 16-byte IV in hex: " + dollar);
        assertEquals(PipelineFixture.JSON.readTree("{\"n1\":{\"user\":\"u1\",\"password\":\"p\u00e4ss\"}}"),
                PipelineFixture.JSON.readTree(flowFuseDecrypt(dollar, "dev-secret")));

        JsonNode settings = file.get("settings");
        assertEquals(List.of("settings", "env", "modules"), fields(settings));
        assertEquals(PipelineFixture.JSON.readTree("{\"editorTheme\":{\"palette\":{\"catalogues\":[]}}}"),
                settings.get("settings"));
        assertEquals(PipelineFixture.JSON.readTree("{\"LINE\":\"4\",\"HOST\":\"plc.local\"}"), settings.get("env"));
        settings.get("env").fields().forEachRemaining(e -> assertTrue(e.getValue().isTextual(), e.getKey()));
        assertEquals(PipelineFixture.JSON.readTree("{\"node-red-contrib-x\":\"1.2.3\",\"@flowfuse/nr-tools\":\"~0.4.0\"}"),
                settings.get("modules"), "modules: package name -> version range, as FlowFuse installs them");
    }

    /**
     * A snapshot file as FlowFuse exports it (with the extra members FlowFuse adds, which a reader ignores),
     * credentials encrypted the way FlowFuse does it (here with the JDK's cipher, not the server's code) under
     * the secret of the instance before the git stage: the pull promotes it into qa, credentials re-encrypted
     * for qa's own secret, modules as package.json dependencies, settings and env by the promotion rules.
     */
    @Test
    void aSnapshotFileWrittenByFlowFuseIsPulledIntoTheNextInstance() throws Exception {
        f.commit("qa", PipelineFixture.flows("[]").with("settings.json", "{\"uiPort\":1881}")
                .with("env.json", "{\"LINE\":\"qa-value\"}"), "qa before");
        String credentials = "{\"n1\":{\"user\":\"ff-user\",\"password\":\"ff-pass\"}}";
        String file = "{\n"
                + "    \"id\": \"3f1c9a2e-7d4b-4c2a-9e10-5b6f8d7a1c20\",\n"
                + "    \"name\": \"Line 4 release\",\n"
                + "    \"description\": \"exported from FlowFuse\",\n"
                + "    \"createdAt\": \"2026-11-30T10:00:00.000Z\",\n"
                + "    \"updatedAt\": \"2026-11-30T10:00:00.000Z\",\n"
                + "    \"user\": {\"id\": \"u1\", \"username\": \"alice\", \"name\": \"Alice\"},\n"
                + "    \"exportedBy\": {\"id\": \"u1\", \"username\": \"alice\"},\n"
                + "    \"ownerType\": \"instance\",\n"
                + "    \"flows\": {\n"
                + "        \"flows\": " + DEV_FLOWS + ",\n"
                + "        \"credentials\": {\"$\": \"" + flowFuseEncrypt(credentials, "dev-secret") + "\"}\n"
                + "    },\n"
                + "    \"settings\": {\n"
                + "        \"settings\": {\"palette\": {\"allowInstall\": false}},\n"
                + "        \"env\": {\"LINE\": \"ff-value\", \"NEW\": \"x\"},\n"
                + "        \"modules\": {\"node-red-contrib-x\": \"1.2.3\", \"node-red\": \"4.0.5\"}\n"
                + "    }\n"
                + "}\n";
        String sha = remote.commit("flows", "release", Map.of("flows/line.json", file), "Merge pull request #8");

        Run run = deploy("review");

        assertEquals(RunStatus.SUCCEEDED, run.status(), String.valueOf(run.error()));
        assertEquals(sha, run.sourceCommit());
        Snapshot qa = f.snapshot("qa", f.main("qa"));
        assertEquals(PipelineFixture.JSON.readTree(DEV_FLOWS), PipelineFixture.JSON.readTree(qa.bytes("flows.json").orElseThrow()));
        JsonNode cred = PipelineFixture.JSON.readTree(qa.bytes("flows_cred.json").orElseThrow());
        assertEquals(List.of("$"), fields(cred));
        assertEquals(PipelineFixture.JSON.readTree(credentials),
                PipelineFixture.JSON.readTree(flowFuseDecrypt(cred.get("$").textValue(), "qa-secret")),
                "re-encrypted for qa's credentialSecret");
        JsonNode pkg = PipelineFixture.JSON.readTree(qa.bytes("package.json").orElseThrow());
        assertEquals(PipelineFixture.JSON.readTree("{\"node-red-contrib-x\":\"1.2.3\",\"node-red\":\"4.0.5\"}"),
                pkg.get("dependencies"));
        assertEquals(PipelineFixture.JSON.readTree("{\"uiPort\":1881}"),
                PipelineFixture.JSON.readTree(qa.bytes("settings.json").orElseThrow()), "settings stay the target's");
        assertEquals(PipelineFixture.JSON.readTree("{\"LINE\":\"qa-value\",\"NEW\":\"\"}"),
                PipelineFixture.JSON.readTree(qa.bytes("env.json").orElseThrow()), "env is keys-only");
    }

    /** FlowFuse's (and Node-RED's) credential encryption: aes-256-ctr, key sha256(secret), "$" = hex IV + base64. */
    static String flowFuseEncrypt(String plain, String secret) throws Exception {
        byte[] iv = new byte[16];
        new java.security.SecureRandom().nextBytes(iv);
        javax.crypto.Cipher c = flowFuseCipher(javax.crypto.Cipher.ENCRYPT_MODE, secret, iv);
        return java.util.HexFormat.of().formatHex(iv) + java.util.Base64.getEncoder().encodeToString(
                c.doFinal(plain.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    static String flowFuseDecrypt(String dollar, String secret) throws Exception {
        byte[] iv = java.util.HexFormat.of().parseHex(dollar.substring(0, 32));
        byte[] data = java.util.Base64.getDecoder().decode(dollar.substring(32));
        return new String(flowFuseCipher(javax.crypto.Cipher.DECRYPT_MODE, secret, iv).doFinal(data),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    private static javax.crypto.Cipher flowFuseCipher(int mode, String secret, byte[] iv) throws Exception {
        byte[] key = java.security.MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/CTR/NoPadding");
        c.init(mode, new javax.crypto.spec.SecretKeySpec(key, "AES"), new javax.crypto.spec.IvParameterSpec(iv));
        return c;
    }

    private static List<String> fields(JsonNode n) {
        List<String> out = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
