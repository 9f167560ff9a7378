package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The upstream API end to end: instance "dst" follows instance "src" of the same server over HTTPS (the
 * server's own Git, its self-signed certificate given as the CA, Basic auth from team secrets), through
 * secrets and integrations, the configuration rules, a sync, and the signed push webhook.
 */
@ExtendWith(FlowstageExtension.class)
class UpstreamIT {
    private static final String T = "/api/v1/teams/up";

    @Test
    void anInstanceFollowsARemoteBranchThroughTheApi(TestServer server) throws Exception {
        TestUser rita = server.newUser("rita");
        ApiClient admin = server.admin();
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"up\"}");
        admin.expect(201, "POST", T + "/applications", "{\"name\":\"app\"}");
        admin.expect(201, "PUT", T + "/members/rita", "{\"role\":\"member\"}");
        for (String i : new String[] {"src", "dst"}) {
            admin.expect(201, "POST", T + "/instances", "{\"name\":\"" + i + "\",\"application\":\"app\"}");
        }
        String first = push(server, rita, "[{\"id\":\"a\",\"type\":\"inject\"},{\"id\":\"b\",\"type\":\"ui_button\"}]", "First");

        // secrets: write-only, listed by path and time; owners only
        admin.expect(200, "PUT", T + "/secrets/git/user", "{\"value\":\"rita\"}");
        admin.expect(200, "PUT", T + "/secrets/git/pass", "{\"value\":\"" + rita.token() + "\"}");
        ApiClient.Response list = admin.expect(200, "GET", T + "/secrets", null);
        assertThat(list.json().path("items").findValuesAsText("path")).containsExactlyInAnyOrder("git/user", "git/pass");
        assertThat(list.body()).doesNotContain(rita.token());
        assertThat(server.as(rita).get(T + "/secrets").status()).isEqualTo(403);

        // integrations: the token never comes back, the CA by fingerprint only
        String ca = Files.readString(server.tlsCertificate());
        ObjectNode integration = JsonNodeFactory.instance.objectNode().put("name", "self").put("provider", "other")
                .put("username", "rita").put("token", rita.token()).put("caCert", ca);
        ApiClient.Response created = admin.expect(201, "POST", T + "/integrations/git", integration.toString());
        assertThat(created.json().path("caFingerprint").asText()).startsWith("sha256:");
        assertThat(created.body()).doesNotContain(rita.token()).doesNotContain("BEGIN CERTIFICATE");
        assertThat(admin.expect(200, "GET", T + "/integrations/git", null).body()).doesNotContain(rita.token());

        String url = "https://127.0.0.1:" + server.httpsPort() + "/git/up/src.git";
        ObjectNode config = JsonNodeFactory.instance.objectNode().put("url", url).put("protocol", "https")
                .put("branch", "main").put("intervalSeconds", 120).put("caCert", ca);
        config.putObject("auth").put("username", "secret:git/user").put("password", "secret:git/pass");

        // bad input, each with the message the user sees
        ApiClient.Response sixty = admin.put(T + "/instances/dst/upstream", config.deepCopy().put("intervalSeconds", 60).toString());
        assertThat(sixty.status()).as(sixty.toString()).isEqualTo(422);
        assertThat(sixty.json().path("error").path("message").asText()).isEqualTo("'intervalSeconds' must be at least 120 (and at most 604800); got 60");
        ApiClient.Response mismatch = admin.put(T + "/instances/dst/upstream", config.deepCopy().put("protocol", "ssh").toString());
        assertThat(mismatch.status()).isEqualTo(422);
        assertThat(mismatch.json().path("error").path("message").asText()).startsWith("protocol mismatch");
        ObjectNode missing = config.deepCopy();
        ((ObjectNode) missing.get("auth")).put("password", "secret:git/none");
        ApiClient.Response noSecret = admin.put(T + "/instances/dst/upstream", missing.toString());
        assertThat(noSecret.status()).isEqualTo(422);
        assertThat(noSecret.json().path("error").path("message").asText()).contains("secret 'git/none', which does not exist");

        // a new configuration starts paused and shows its webhook secret once
        ApiClient.Response put = admin.expect(200, "PUT", T + "/instances/dst/upstream", config.toString());
        assertThat(put.json().path("status").path("state").asText()).isEqualTo("paused");
        String hookSecret = put.json().path("webhook").path("secret").asText();
        assertThat(hookSecret).isNotEmpty();
        assertThat(admin.expect(200, "GET", T + "/instances/dst/upstream", null).body()).doesNotContain(hookSecret)
                .doesNotContain(rita.token());

        admin.expect(200, "POST", T + "/instances/dst/upstream/resume", null);
        assertThat(admin.put(T + "/instances/dst/upstream", config.toString()).status()).isEqualTo(409);

        admin.expect(202, "POST", T + "/instances/dst/upstream/sync", null);
        JsonNode status = awaitApplied(admin, first);
        assertThat(status.path("status").path("state").asText()).isEqualTo("in_sync");
        assertThat(status.path("status").path("remote").path("message").asText()).isEqualTo("First");
        assertThat(status.path("status").path("local").path("hash").asText()).isNotEmpty();
        assertThat(status.path("status").path("behind").asInt()).isZero();
        assertThat(status.path("dependencies").path("npmInstall").asText()).isEqualTo("npm install node-red-dashboard");
        assertThat(status.path("dependencies").path("missing").get(0).path("type").asText()).isEqualTo("ui_button");
        assertThat(admin.expect(200, "GET", T + "/instances/dst/snapshots", null).body()).contains("Sync from");

        // the push webhook: a bad signature syncs nothing, another branch is a no-op, a good one syncs at once
        String second = push(server, rita, "[{\"id\":\"a\",\"type\":\"inject\"}]", "Second");
        byte[] body = ("{\"ref\":\"refs/heads/main\",\"after\":\"" + second + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> bad = hook(server, body, "sha256=" + hmac("not-the-secret", body));
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.body()).contains("does not match this instance's upstream webhook secret");
        byte[] other = "{\"ref\":\"refs/heads/feature\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> noop = hook(server, other, "sha256=" + hmac(hookSecret, other));
        assertThat(noop.statusCode()).isEqualTo(202);
        assertThat(noop.body()).contains("not a push to the followed branch");
        assertThat(admin.expect(200, "GET", T + "/instances/dst/upstream", null).json().path("status")
                .path("lastAppliedRevision").asText()).isEqualTo(first);

        assertThat(hook(server, body, "sha256=" + hmac(hookSecret, body)).statusCode()).isEqualTo(202);
        awaitApplied(admin, second);

        // GitHub's default content type, application/x-www-form-urlencoded, sends the push as payload=JSON
        String third = push(server, rita, "[{\"id\":\"a\",\"type\":\"inject\"},{\"id\":\"c\",\"type\":\"debug\"}]", "Third");
        byte[] form = ("payload=" + URLEncoder.encode("{\"ref\":\"refs/heads/main\",\"after\":\"" + third + "\"}",
                StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> formHook = hook(server, form, "sha256=" + hmac(hookSecret, form),
                "application/x-www-form-urlencoded");
        assertThat(formHook.statusCode()).as(formHook.body()).isEqualTo(202);
        assertThat(formHook.body()).contains("sync of 'dst' started");
        awaitApplied(admin, third);

        // deleting the instance, still following, takes its upstream along: an instance made again under
        // the same name follows nothing, and the old webhook secret opens nothing
        admin.expect(204, "DELETE", T + "/instances/dst", null);
        admin.expect(201, "POST", T + "/instances", "{\"name\":\"dst\",\"application\":\"app\"}");
        assertThat(admin.get(T + "/instances/dst/upstream").status()).isEqualTo(404);
        assertThat(hook(server, body, "sha256=" + hmac(hookSecret, body)).statusCode()).isEqualTo(401);
    }

    private static JsonNode awaitApplied(ApiClient admin, String revision) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            last[0] = admin.expect(200, "GET", T + "/instances/dst/upstream", null).json();
            // applied, and the worker done with it (the status is recorded before the sync ends)
            return revision.equals(last[0].path("status").path("lastAppliedRevision").asText())
                    && !last[0].path("status").path("state").asText().equals("syncing");
        });
        return last[0];
    }

    private static String push(TestServer server, TestUser user, String flows, String message) throws Exception {
        GitCli git = new GitCli(server.workDir().resolve("home"));
        Path work = server.workDir().resolve("src-" + System.nanoTime());
        git.ok(server.workDir(), "clone", "-q", Transport.HTTP.url(server, user, "up", "src"), work.toString());
        Files.writeString(work.resolve("flows.json"), flows + "\n");
        git.ok(work, "add", ".");
        git.ok(work, "commit", "-q", "-m", message);
        git.ok(work, "push", "-q", "origin", "HEAD:main");
        return git.ok(work, "rev-parse", "HEAD").trim();
    }

    private static HttpResponse<String> hook(TestServer server, byte[] body, String signature) throws Exception {
        return hook(server, body, signature, "application/json");
    }

    private static HttpResponse<String> hook(TestServer server, byte[] body, String signature, String contentType)
            throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.httpBase()
                        + T + "/instances/dst/upstream/hook"))
                .header("Content-Type", contentType).header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String hmac(String secret, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
