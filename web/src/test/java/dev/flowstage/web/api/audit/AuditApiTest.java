package dev.flowstage.web.api.audit;

import static dev.flowstage.web.events.EventsServer.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.audit.AuditLog;
import dev.flowstage.hooks.events.FlowstageEvent;
import dev.flowstage.storage.audit.AuditQueue;
import dev.flowstage.storage.audit.GitAuditStore;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.web.events.EventStreams;
import dev.flowstage.web.events.EventsServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit API over the real stores: what owners and admins read, and who may not read it. */
class AuditApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OLIVE = basic("olive");
    private static final String VERA = basic("vera");
    private static final String MALLORY = basic("mallory");
    private static final String ROOT_PASSWORD = "root-password-XYZ";

    @TempDir
    Path tmp;
    EventsServer server;
    GcQueue gc;
    GitAuditStore store;
    AuditQueue queue;
    final List<FlowstageEvent> events = Collections.synchronizedList(new ArrayList<>());
    final HttpClient http = HttpClient.newHttpClient();
    String root;

    @BeforeEach
    void start() throws Exception {
        Path data = tmp.resolve("data");
        gc = new GcQueue(1000, Duration.ofHours(1));
        // the same directories the server's stores use; the interval is long, so reads flush() first
        store = new GitAuditStore(new LocalRepoStore(data.resolve("repos"), gc), data.resolve("site.git"),
                Clock.systemUTC(), GitAuditStore.DEFAULT_KEEP);
        queue = new AuditQueue(store, Duration.ofHours(1), 100);
        AuditLog audit = new AuditLog(queue, events::add, Clock.systemUTC());
        server = new EventsServer(data, EventStreams.Settings.DEFAULT,
                api -> api.register(new AuditApiFeature(audit, store)));
        server.site.createUser("root", new PasswordHasher(64, 1, 1).hash(ROOT_PASSWORD), true);
        root = "Basic " + java.util.Base64.getEncoder().encodeToString(("root:" + ROOT_PASSWORD).getBytes());
    }

    @AfterEach
    void stop() throws Exception {
        queue.close();
        store.close();
        server.close();
        gc.close();
    }

    private HttpResponse<String> call(String method, String path, String auth, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + server.base + "/api/v1" + path))
                .header("Authorization", auth)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(int status, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    private JsonNode read(String path, String auth) throws Exception {
        assertTrue(queue.flush(Duration.ofSeconds(10)));
        return ok(200, call("GET", path, auth, null));
    }

    private static List<String> lines(JsonNode page) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : page.path("items")) {
            out.add(e.path("actor").asText() + " " + e.path("action").asText() + " " + e.path("target").asText());
        }
        return out;
    }

    @Test
    void ownerSeesTheTeamsChangesAndAdminTheSitesWithoutAnySecret() throws Exception {
        ok(201, call("POST", "/teams/acme/instances", OLIVE, "{\"name\":\"web1\",\"application\":\"app\","
                + "\"credentialSecret\":\"cred-secret-XYZ\","
                + "\"nodeRed\":{\"url\":\"https://nodered.example.test/\",\"token\":\"nr-token-XYZ\"}}"));
        ok(201, call("PUT", "/teams/acme/members/mallory", OLIVE, "{\"role\":\"member\"}"));
        String token = ok(201, call("POST", "/tokens", OLIVE, "{\"name\":\"ci\",\"scope\":\"write\"}"))
                .path("token").asText();
        ok(201, call("POST", "/teams/acme/webhooks", OLIVE, "{\"name\":\"hook\","
                + "\"url\":\"https://hooks.example.test/secret-path-XYZ\",\"events\":[\"push\",\"audit\"],"
                + "\"secret\":\"whsec-XYZ-0123456789\"}"));
        ok(201, call("POST", "/users", root, "{\"name\":\"dora\",\"password\":\"dora-password-XYZ\"}"));
        // a refused change is not one
        ok(409, call("POST", "/teams/acme/instances", OLIVE, "{\"name\":\"web1\",\"application\":\"app\"}"));

        JsonNode team = read("/teams/acme/audit", OLIVE);
        assertEquals(List.of("olive webhook.create webhook/hook", "olive member.update member/mallory",
                "olive instance.create instance/web1"), lines(team));
        assertEquals("member", team.path("items").get(1).path("details").path("role").asText());
        assertEquals("app", team.path("items").get(2).path("details").path("application").asText());
        assertEquals("audit,push", team.path("items").get(0).path("details").path("events").asText());
        assertTrue(team.path("next").isNull());

        JsonNode site = read("/audit", root);
        assertEquals(List.of("root user.create user/dora", "olive token.create token/ci"), lines(site));
        assertEquals("write", site.path("items").get(1).path("details").path("scope").asText());

        // the same entries went out as audit events on the team's stream (site entries do not)
        assertEquals(List.of("instance.create", "member.update", "webhook.create"),
                events.stream().filter(e -> e.type().equals(FlowstageEvent.AUDIT))
                        .map(e -> (String) e.data().get("action")).toList());

        String everything = team.toString() + site + events;
        for (String secret : List.of(token, "cred-secret-XYZ", "nr-token-XYZ", "whsec-XYZ", "secret-path-XYZ",
                "hooks.example.test", "dora-password-XYZ", ROOT_PASSWORD, EventsServer.PASSWORD)) {
            assertFalse(everything.contains(secret), () -> "an audit entry contains " + secret + ": " + everything);
        }
    }

    @Test
    void pagesAreNewestFirstAndFilterByActionNameOrPrefix() throws Exception {
        for (String name : List.of("a1", "a2", "a3")) {
            ok(201, call("POST", "/teams/acme/instances", OLIVE, "{\"name\":\"" + name + "\",\"application\":\"app\"}"));
        }
        ok(204, call("DELETE", "/teams/acme/instances/a2", OLIVE, null));
        JsonNode first = read("/teams/acme/audit?limit=2", OLIVE);
        assertEquals(List.of("olive instance.delete instance/a2", "olive instance.create instance/a3"), lines(first));
        JsonNode second = read("/teams/acme/audit?limit=2&cursor=" + first.path("next").asText(), OLIVE);
        assertEquals(List.of("olive instance.create instance/a2", "olive instance.create instance/a1"), lines(second));
        assertEquals(1, read("/teams/acme/audit?action=instance.delete", OLIVE).path("items").size());
        assertEquals(4, read("/teams/acme/audit?action=instance.", OLIVE).path("items").size());
        assertEquals(4, read("/teams/acme/audit?action=instance", OLIVE).path("items").size());
        assertEquals(0, read("/teams/acme/audit?action=member.", OLIVE).path("items").size());
        assertEquals(400, call("GET", "/teams/acme/audit?cursor=nonsense", OLIVE, null).statusCode());
    }

    @Test
    void onlyOwnersReadATeamsLogAndOnlyAdminsTheSites() throws Exception {
        ok(201, call("POST", "/teams/acme/instances", OLIVE, "{\"name\":\"web1\",\"application\":\"app\"}"));
        assertEquals(403, call("GET", "/teams/acme/audit", VERA, null).statusCode(), "a viewer");
        ok(200, call("PUT", "/teams/acme/members/vera", OLIVE, "{\"role\":\"member\"}"));
        assertEquals(403, call("GET", "/teams/acme/audit", VERA, null).statusCode(), "a member");
        assertEquals(404, call("GET", "/teams/acme/audit", MALLORY, null).statusCode(), "not in the team");
        assertEquals(403, call("GET", "/audit", OLIVE, null).statusCode(), "not an admin");
        ok(200, call("GET", "/teams/acme/audit", root, null)); // the admin acts as every team's owner
    }
}
