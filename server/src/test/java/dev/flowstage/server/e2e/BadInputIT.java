package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.SshKeyPairs;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Input a user or an attacker can send, and what the whole server answers. */
@ExtendWith(FlowstageExtension.class)
class BadInputIT {
    private static TestServer server;
    private static TestUser alice;
    private static GitCli git;

    @BeforeAll
    static void setUp(TestServer s) {
        server = s;
        alice = s.newUser("alice");
        s.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"acme\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/acme/applications", "{\"name\":\"line\"}");
        s.admin().expect(201, "PUT", "/api/v1/teams/acme/members/alice", "{\"role\":\"member\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/acme/instances", "{\"name\":\"dev\",\"application\":\"line\"}");
        git = new GitCli(s.workDir().resolve("git-home"));
    }

    private static TreeSet<String> filesUnder(Path root) throws Exception {
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.map(p -> root.relativize(p).toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/git/acme/../acme/dev.git/info/refs?service=git-upload-pack",
            "/git/../../etc/passwd",
            "/git/acme/..%2F..%2Fetc.git/info/refs?service=git-upload-pack",
            "/git/acme%2Fdev.git/info/refs?service=git-upload-pack",
            "/git/ACME/dev.git/info/refs?service=git-upload-pack",
            "/git/acme/DEV.git/info/refs?service=git-upload-pack",
            "/git/acme/dev.git.git/info/refs?service=git-upload-pack",
            "/git/acme/dev_1.git/info/refs?service=git-upload-pack",
            "/git/acme/-dev.git/info/refs?service=git-upload-pack",
            "/git/acme/dev/extra.git/info/refs?service=git-upload-pack",
            "/git/acme/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.git/info/refs?service=git-upload-pack",
            "/git/acme/%2e%2e/dev.git/info/refs?service=git-upload-pack",
            "/git/acme/dev%00.git/info/refs?service=git-upload-pack",
            "/git//acme/dev.git/info/refs?service=git-upload-pack"})
    void oddRepositoryPathsAreRefusedAndTouchNothing(String path) throws Exception {
        Path parent = server.dataDir().getParent();
        // audit entries of earlier calls are written in batches: let them land before looking
        assertThat(server.server().flushAudit(java.time.Duration.ofSeconds(20))).isTrue();
        TreeSet<String> before = filesUnder(parent.resolve("data"));
        TreeSet<String> siblings = filesUnder(parent);
        int status = RawHttp.status(server.httpPort(), "GET", path, alice.name(), alice.token());
        assertThat(status).as(path).isIn(400, 404);
        assertThat(filesUnder(parent.resolve("data"))).isEqualTo(before);
        assertThat(filesUnder(parent)).isEqualTo(siblings);
    }

    @Test
    void theSamePathWellFormedIsServed() {
        int status = RawHttp.status(server.httpPort(), "GET",
                "/git/acme/dev.git/info/refs?service=git-upload-pack", alice.name(), alice.token());
        assertThat(status).isEqualTo(200);
    }

    @Test
    void anonymousGitGets401WithABasicChallenge() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.httpBase() + "/git/acme/dev.git/info/refs?service=git-upload-pack")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"flowstage\"");
    }

    @Test
    void wrongPasswordAndWrongTokenGet401AndAreNeverLogged() {
        String badPassword = "wrong-password-Zq81";
        String badToken = "fsp_notARealTokenButLooksLikeOne0123456789ab";
        assertThat(RawHttp.status(server.httpPort(), "GET",
                "/git/acme/dev.git/info/refs?service=git-upload-pack", "alice", badPassword)).isEqualTo(401);
        assertThat(RawHttp.status(server.httpPort(), "GET",
                "/git/acme/dev.git/info/refs?service=git-upload-pack", "alice", badToken)).isEqualTo(401);
        assertThat(ApiClient.basic(server.httpBase(), "alice", badPassword).get("/api/v1/teams").status()).isEqualTo(401);
        assertThat(ApiClient.bearer(server.httpBase(), badToken).get("/api/v1/teams").status()).isEqualTo(401);

        ProcessResult clone = git.run(server.workDir(), "clone",
                "http://alice:" + badPassword + "@127.0.0.1:" + server.httpPort() + "/git/acme/dev.git", "nope");
        assertThat(clone.ok()).isFalse();

        String logs = server.logs().text();
        assertThat(logs).doesNotContain(badPassword).doesNotContain(badToken)
                .doesNotContain(alice.password()).doesNotContain(alice.token())
                .doesNotContain(TestServer.ADMIN_PASSWORD);
    }

    @Test
    void malformedAndIncompleteJsonGets400NamingTheProblem() {
        ApiClient admin = server.admin();
        ApiClient.Response broken = admin.send("POST", "/api/v1/teams", "{\"name\": \"x\",\n  \"oops\" }");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().at("/error/message").asText()).contains("line 2");
        ApiClient.Response missing = admin.send("POST", "/api/v1/teams/acme/instances", "{\"application\":\"line\"}");
        assertThat(missing.status()).isIn(400, 422);
        assertThat(missing.json().at("/error/message").asText()).contains("name");
        ApiClient.Response duplicate = admin.send("POST", "/api/v1/teams/acme/instances",
                "{\"name\":\"dev\",\"application\":\"line\"}");
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.json().at("/error/code").asText()).isNotBlank();
    }

    @Test
    void sshWithAnUnknownKeyFailsAuthentication() throws Exception {
        Path stranger = SshKeyPairs.generate(server.workDir().resolve("keys"), "stranger", "ed25519");
        ProcessResult r = git.run(server.workDir(), Map.of("GIT_SSH_COMMAND",
                        SshKeyPairs.sshCommand(stranger, server.sshPort(), server.workDir().resolve("known_hosts"))),
                "ls-remote", "ssh://git@127.0.0.1:" + server.sshPort() + "/acme/dev.git");
        assertThat(r.ok()).isFalse();
        assertThat(r.stderr()).contains("Permission denied");
    }

    @ParameterizedTest
    @ValueSource(strings = {"acme/../acme/dev.git", "../../etc/passwd", "ACME/dev.git", "acme/dev.git.git", "acme"})
    void sshOddPathsAreNotFound(String path) throws Exception {
        assertThat(server.server().flushAudit(java.time.Duration.ofSeconds(20))).isTrue();
        TreeSet<String> before = filesUnder(server.dataDir());
        ProcessResult r = git.run(server.workDir(), Map.of("GIT_SSH_COMMAND",
                        SshKeyPairs.sshCommand(alice.sshKey(), server.sshPort(), server.workDir().resolve("known_hosts"))),
                "ls-remote", "ssh://git@127.0.0.1:" + server.sshPort() + "/" + path);
        assertThat(r.ok()).isFalse();
        assertThat(r.stderr().toLowerCase()).contains("not found");
        assertThat(filesUnder(server.dataDir())).isEqualTo(before);
    }

    @Test
    void ecdsaAndRsaKeysWorkToo() {
        for (String type : List.of("ecdsa", "rsa")) {
            Path key = SshKeyPairs.generate(server.workDir().resolve("keys"), "alice-" + type, type);
            ApiClient.basic(server.httpBase(), "alice", alice.password()).expect(201, "POST", "/api/v1/user/keys",
                    "{\"title\":\"" + type + "\",\"key\":\"" + SshKeyPairs.publicKeyLine(key) + "\"}");
            ProcessResult r = git.run(server.workDir(), Map.of("GIT_SSH_COMMAND",
                            SshKeyPairs.sshCommand(key, server.sshPort(), server.workDir().resolve("known_hosts"))),
                    "ls-remote", "ssh://git@127.0.0.1:" + server.sshPort() + "/acme/dev.git");
            assertThat(r.ok()).as(type + ": " + r).isTrue();
        }
    }
}
