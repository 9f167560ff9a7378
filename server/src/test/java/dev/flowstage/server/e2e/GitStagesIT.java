package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.hooks.remote.testing.Cli;
import dev.flowstage.hooks.remote.testing.LighttpdGitRemote;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Git pipeline stages through the whole server and its REST API, against a real Git server on loopback (C git's
 * http-backend behind lighttpd over HTTPS with a test CA and Basic auth): an integration and team secrets made
 * through the API, dev → git stage (push) → qa (pull after the "pull request" merged staging into release), and
 * the bad input a user can give: a refused token (the run fails, nothing changes) and a protocol that does not
 * match the URL (422).
 */
@ExtendWith(FlowstageExtension.class)
class GitStagesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String T = "/api/v1/teams/gs";
    private static final String FLOWS = "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Line\"},"
            + "{\"id\":\"n1\",\"type\":\"inject\",\"z\":\"t1\",\"name\":\"through git\"}]";

    @Test
    void devIsPushedToAGitServerAndPulledIntoQaAfterThePullRequest(TestServer server) throws Exception {
        TestUser alice = server.newUser("alice");
        ApiClient admin = server.admin();
        ApiClient member = server.as(alice);
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"gs\"}");
        admin.expect(201, "POST", T + "/applications", "{\"name\":\"line\"}");
        admin.expect(201, "PUT", T + "/members/alice", "{\"role\":\"member\"}");
        admin.expect(201, "POST", T + "/instances", "{\"name\":\"dev\",\"application\":\"line\",\"credentialSecret\":\"dev-secret\"}");
        admin.expect(201, "POST", T + "/instances", "{\"name\":\"qa\",\"application\":\"line\",\"credentialSecret\":\"qa-secret\"}");
        String devHead = pushFlows(server, alice, "dev", FLOWS, "Line flow");

        try (LighttpdGitRemote remote = new LighttpdGitRemote(Files.createDirectories(server.workDir().resolve("remote")))) {
            remote.create("flows");
            String url = remote.url("flows");

            // an integration (the token write-only, the CA by fingerprint) and secrets, owners only
            ObjectNode integration = JsonNodeFactory.instance.objectNode().put("name", "onprem").put("provider", "other")
                    .put("username", LighttpdGitRemote.USER).put("token", LighttpdGitRemote.PASSWORD)
                    .put("caCert", remote.caPem);
            assertThat(member.post(T + "/integrations/git", integration.toString()).status()).isEqualTo(403);
            ApiClient.Response created = admin.expect(201, "POST", T + "/integrations/git", integration.toString());
            assertThat(created.body()).doesNotContain(LighttpdGitRemote.PASSWORD);
            admin.expect(201, "POST", T + "/integrations/git", integration.deepCopy().put("name", "stale")
                    .put("token", "not-the-token").toString());
            admin.expect(200, "PUT", T + "/secrets/git/key", "{\"value\":\"-----BEGIN OPENSSH PRIVATE KEY-----\\nx\\n\"}");
            admin.expect(200, "PUT", T + "/secrets/git/passphrase", "{\"value\":\"correct horse\"}");

            admin.expect(201, "POST", T + "/pipelines", pipeline("line-1", url, "onprem"));
            assertThat(admin.expect(200, "GET", T + "/pipelines/line-1", null).body())
                    .doesNotContain(LighttpdGitRemote.PASSWORD);

            // push: dev's snapshot as one FlowFuse file on staging; the run log names the remote commit
            JsonNode pushed = awaitEnd(member, "line-1", member.expect(202, "POST",
                    T + "/pipelines/line-1/stages/dev/deploy", "{}").json().path("run").path("id").asText());
            assertThat(pushed.path("status").asText()).as(pushed.toString()).isEqualTo("succeeded");
            String tip = remoteGit(remote, "rev-parse", "refs/heads/staging").strip();
            assertThat(pushed.path("targetAfter").asText()).isEqualTo(tip);
            assertThat(pushed.path("sourceCommit").asText()).isEqualTo(devHead);
            assertThat(pushed.path("log").findValuesAsText("message"))
                    .contains("pushed " + tip.substring(0, 7) + " to staging of " + url + " (line-1/snapshot.json)");
            JsonNode file = JSON.readTree(remoteGit(remote, "show", "staging:line-1/snapshot.json"));
            assertThat(file.path("flows").path("flows")).isEqualTo(JSON.readTree(FLOWS));
            assertThat(remoteGit(remote, "log", "-1", "--format=%B", "staging"))
                    .contains("Flowstage-Source: gs/dev@" + devHead).contains("Flowstage-Pipeline: line-1");

            // the pull request on the Git server merges staging into release
            remoteGit(remote, "branch", "release", "staging");

            // pull: release's file into qa, the remote commit as its source
            JsonNode pulled = awaitEnd(member, "line-1", member.expect(202, "POST",
                    T + "/pipelines/line-1/stages/review/deploy", "{}").json().path("run").path("id").asText());
            assertThat(pulled.path("status").asText()).as(pulled.toString()).isEqualTo("succeeded");
            assertThat(pulled.path("sourceCommit").asText()).isEqualTo(tip);
            GitCli git = new GitCli(server.workDir().resolve("home"));
            Path qa = server.workDir().resolve("qa");
            git.ok(server.workDir(), "clone", "-q", Transport.HTTP.url(server, alice, "gs", "qa"), qa.toString());
            assertThat(pulled.path("targetAfter").asText()).isEqualTo(git.ok(qa, "rev-parse", "HEAD").strip());
            assertThat(JSON.readTree(Files.readString(qa.resolve("flows.json")))).isEqualTo(JSON.readTree(FLOWS));
            assertThat(git.ok(qa, "log", "-1", "--format=%(trailers:key=Flowstage-Source,valueonly)").strip())
                    .isEqualTo(url + "@" + tip);

            // a token the Git server refuses: the run fails saying so, and nothing changes on either side
            admin.expect(201, "POST", T + "/pipelines", pipeline("stale", url, "stale"));
            JsonNode refused = awaitEnd(member, "stale", member.expect(202, "POST",
                    T + "/pipelines/stale/stages/dev/deploy", "{}").json().path("run").path("id").asText());
            assertThat(refused.path("status").asText()).isEqualTo("failed");
            assertThat(refused.path("error").asText()).startsWith("authentication failed")
                    .doesNotContain("not-the-token");
            assertThat(remoteGit(remote, "for-each-ref", "--format=%(refname) %(objectname)"))
                    .isEqualTo("refs/heads/release " + tip + "\nrefs/heads/staging " + tip + "\n");
            String qaMain = git.ok(qa, "ls-remote", "origin", "refs/heads/main").split("\\s")[0];
            JsonNode refusedPull = awaitEnd(member, "stale", member.expect(202, "POST",
                    T + "/pipelines/stale/stages/review/deploy", "{}").json().path("run").path("id").asText());
            assertThat(refusedPull.path("status").asText()).isEqualTo("failed");
            assertThat(refusedPull.path("error").asText()).startsWith("authentication failed");
            assertThat(git.ok(qa, "ls-remote", "origin", "refs/heads/main").split("\\s")[0]).isEqualTo(qaMain);

            // a protocol that does not match the URL, either way round: 422 naming it, nothing saved
            String ssh = ",\"ssh\":{\"key\":\"secret:git/key\",\"passphrase\":\"secret:git/passphrase\","
                    + "\"knownHosts\":\"git.example.test ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\"}";
            for (String stage : new String[] {
                    "{\"integration\":\"onprem\",\"protocol\":\"ssh\",\"url\":\"" + url + "\",\"branch\":\"staging\"" + ssh + "}",
                    "{\"protocol\":\"https\",\"url\":\"git@git.example.test:acme/flows.git\",\"branch\":\"staging\"" + ssh + "}"}) {
                ApiClient.Response mismatch = admin.post(T + "/pipelines", "{\"name\":\"mismatch\",\"application\":\"line\","
                        + "\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"repo\",\"git\":" + stage + "}]}");
                assertThat(mismatch.status()).as(mismatch.toString()).isEqualTo(422);
                assertThat(mismatch.json().at("/error/message").asText()).contains("protocol mismatch: 'protocol' is");
            }
            assertThat(admin.get(T + "/pipelines/mismatch").status()).isEqualTo(404);
            // the same stage with an scp-like URL and the protocol it implies is accepted
            admin.expect(201, "POST", T + "/pipelines", "{\"name\":\"scp\",\"application\":\"line\",\"stages\":["
                    + "{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"repo\",\"git\":{\"protocol\":\"ssh\","
                    + "\"url\":\"git@git.example.test:acme/flows.git\",\"branch\":\"staging\"" + ssh + "}}]}");
        }
    }

    private static String pipeline(String name, String url, String integration) {
        return "{\"name\":\"" + name + "\",\"application\":\"line\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\",\"action\":\"use_latest_snapshot\"},"
                + "{\"name\":\"review\",\"git\":{\"integration\":\"" + integration + "\",\"url\":\"" + url + "\","
                + "\"branch\":\"staging\",\"pullBranch\":\"release\",\"filename\":\"line-1/snapshot.json\"}},"
                + "{\"name\":\"qa\",\"instance\":\"qa\"}]}";
    }

    private static String remoteGit(LighttpdGitRemote remote, String... args) throws Exception {
        String[] cmd = new String[args.length + 3];
        cmd[0] = "git";
        cmd[1] = "--git-dir";
        cmd[2] = remote.repos.resolve("flows.git").toString();
        System.arraycopy(args, 0, cmd, 3, args.length);
        return Cli.run(remote.dir, cmd);
    }

    private static String pushFlows(TestServer server, TestUser user, String instance, String flows, String message) {
        GitCli git = new GitCli(server.workDir().resolve("home"));
        Path work = server.workDir().resolve(instance + "-work");
        git.ok(server.workDir(), "clone", "-q", Transport.HTTP.url(server, user, "gs", instance), work.toString());
        try {
            Files.writeString(work.resolve("flows.json"), flows + "\n");
            Files.writeString(work.resolve("package.json"), "{\"name\":\"" + instance + "\",\"dependencies\":{}}\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        git.ok(work, "add", ".");
        git.ok(work, "commit", "-q", "-m", message);
        git.ok(work, "push", "-q", "origin", "HEAD:main");
        return git.ok(work, "rev-parse", "HEAD").strip();
    }

    private static JsonNode awaitEnd(ApiClient api, String pipeline, String runId) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> {
            last[0] = api.expect(200, "GET", T + "/pipelines/" + pipeline + "/runs/" + runId, null).json();
            String s = last[0].path("status").asText();
            return s.equals("succeeded") || s.equals("failed") || s.equals("rejected") || s.equals("cancelled");
        });
        return last[0];
    }
}
