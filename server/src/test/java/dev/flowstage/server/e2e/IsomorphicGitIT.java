package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * isomorphic-git (from npm, run by Node.js) against the whole server over smart HTTP and HTTPS: the
 * first push to an empty instance, a clone, a push the server refuses with its reason, and a fetch of a
 * commit the stock git client pushed.
 */
@ExtendWith(FlowstageExtension.class)
class IsomorphicGitIT {
    private static final String TEAM = "iso";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLOWS = """
            [{"id":"t1","type":"tab","label":"From isomorphic-git"},
             {"id":"n1","type":"inject","z":"t1","name":"tick","props":[{"p":"payload"}],"payload":"","payloadType":"date",
              "repeat":"","once":false,"topic":"","x":120,"y":80,"wires":[]}]
            """;
    /** How the server words a flows.json that is not JSON, on the receive-pack status line of main. */
    private static final String REFUSAL = "flowstage: flows.json: line 1, column 1: unknown word 'this', expected a value";

    private static TestServer server;
    private static TestUser alice;
    private static GitCli git;

    @BeforeAll
    static void setUp(TestServer s) {
        server = s;
        alice = s.newUser("alice");
        s.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"" + TEAM + "\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/applications", "{\"name\":\"web\"}");
        s.admin().expect(201, "PUT", "/api/v1/teams/" + TEAM + "/members/alice", "{\"role\":\"member\"}");
        git = new GitCli(s.workDir().resolve("git-home"));
    }

    /** The clone URL isomorphic-git is given: no credentials in it, they come from onAuth. */
    private static String url(Transport t, String name) {
        return switch (t) {
            case HTTP -> server.httpBase() + "/git/" + TEAM + "/" + name + ".git";
            case HTTPS -> "https://localhost:" + server.httpsPort() + "/git/" + TEAM + "/" + name + ".git";
            case SSH -> throw new IllegalArgumentException("isomorphic-git speaks HTTP(S) only");
        };
    }

    private static IsomorphicGitClient client(Transport t, Path dir, String token) {
        // the server's certificate is self-signed: Node.js trusts it through NODE_EXTRA_CA_CERTS
        Map<String, String> env = t == Transport.HTTPS
                ? Map.of("NODE_EXTRA_CA_CERTS", server.tlsCertificate().toString()) : Map.of();
        return new IsomorphicGitClient(dir, alice.name(), token, env);
    }

    private static String serverMain(Transport t, String name) {
        String line = git.ok(server.workDir(), t.env(server, alice), "ls-remote", t.url(server, alice, TEAM, name),
                "refs/heads/main");
        return line.isBlank() ? "" : line.substring(0, line.indexOf('\t'));
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Transport.class, names = {"HTTP", "HTTPS"})
    void pushCloneRefusedPushAndFetch(Transport t) throws Exception {
        String name = "web-" + t.name().toLowerCase(Locale.ROOT);
        server.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/instances",
                "{\"name\":\"" + name + "\",\"application\":\"web\"}");
        Path trees = Files.createDirectories(server.workDir().resolve("iso-" + name));
        IsomorphicGitClient iso = client(t, trees, alice.token());
        String url = url(t, name);

        // the instance's repository is empty: a new local repository with it as origin, and a first push
        iso.ok("init", url, trees.resolve("a"));
        JsonNode first = iso.ok("commit-push", url, trees.resolve("a"), "flows.json", FLOWS, "First flows");
        String commit = first.path("commit").asText();
        assertThat(first.path("pushed").asBoolean()).as(first.toString()).isTrue();
        assertThat(first.at("/refs/refs~1heads~1main/ok").asBoolean()).as(first.toString()).isTrue();
        assertThat(serverMain(t, name)).as("the instance's main").isEqualTo(commit);
        JsonNode snapshot = server.as(alice).get("/api/v1/teams/" + TEAM + "/instances/" + name + "/snapshots/" + commit)
                .json();
        assertThat(snapshot.at("/files/flows.json")).as(snapshot.toString()).isEqualTo(JSON.readTree(FLOWS));

        JsonNode clone = iso.ok("clone", url, trees.resolve("b"));
        assertThat(clone.path("head").asText()).as(clone.toString()).isEqualTo(commit);
        assertThat(JSON.readTree(Files.readString(trees.resolve("b/flows.json")))).isEqualTo(JSON.readTree(FLOWS));

        // an invalid snapshot: the server refuses main and isomorphic-git reports the server's reason
        JsonNode bad = iso.ok("commit-push", url, trees.resolve("b"), "flows.json", "this is not json\n", "Broken flows");
        String badCommit = bad.path("commit").asText();
        assertThat(bad.path("pushed").asBoolean()).as(bad.toString()).isFalse();
        assertThat(bad.at("/refs/refs~1heads~1main/ok").asBoolean()).as(bad.toString()).isFalse();
        assertThat(bad.at("/refs/refs~1heads~1main/error").asText()).as(bad.toString()).isEqualTo(REFUSAL);
        assertThat(bad.path("error").asText()).contains(REFUSAL);
        assertThat(bad.path("messages").toString()).as("the server's error line on the side band")
                .contains("error: " + REFUSAL);
        assertThat(serverMain(t, name)).as("a refused push moves nothing").isEqualTo(commit);
        assertThat(git.ok(server.workDir(), t.env(server, alice), "ls-remote", t.url(server, alice, TEAM, name)))
                .as("no ref names the refused commit").doesNotContain(badCommit);

        // a commit pushed by the stock git client reaches isomorphic-git by fetch
        Path cli = trees.resolve("cli");
        git.ok(trees, t.env(server, alice), "clone", "-q", t.url(server, alice, TEAM, name), cli.toString());
        String more = FLOWS.replace("From isomorphic-git", "From the git CLI");
        Files.writeString(cli.resolve("flows.json"), more);
        git.ok(cli, "commit", "-q", "-am", "Rename the tab");
        git.ok(cli, t.env(server, alice), "push", "-q", "origin", "main");
        String cliHead = git.ok(cli, "rev-parse", "HEAD").strip();

        JsonNode fetched = iso.ok("fetch", url, trees.resolve("b"));
        assertThat(fetched.path("fetchHead").asText()).as(fetched.toString()).isEqualTo(cliHead);
        assertThat(fetched.path("remoteMain").asText()).as(fetched.toString()).isEqualTo(cliHead);
    }

    @Test
    void aWrongTokenIsRefusedWith401() throws Exception {
        String name = "web-locked";
        server.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/instances",
                "{\"name\":\"" + name + "\",\"application\":\"web\"}");
        Path trees = Files.createDirectories(server.workDir().resolve("iso-" + name));
        IsomorphicGitClient wrong = client(Transport.HTTP, trees, "fsp_not-a-token");

        JsonNode refused = wrong.failing("clone", url(Transport.HTTP, name), trees.resolve("c"));
        assertThat(refused.path("code").asText()).as(refused.toString()).isEqualTo("HttpError");
        assertThat(refused.path("error").asText()).as(refused.toString()).contains("401");
    }
}
