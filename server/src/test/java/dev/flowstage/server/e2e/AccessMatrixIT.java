package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The role × token-scope matrix (SPEC §4, issue 11 point 1) for every state-changing API call and
 * every field that reveals a secret able to cause a write, against the whole server. Each call is
 * made with every combination of team role (none, viewer, member, owner) and token scope (read,
 * write, admin): below its minimum it must be refused (403, or 404 for non-members) and change
 * nothing; at its minimum it must pass the guard. The table is checked against the REST API's own
 * resource model, so a new endpoint cannot be added without a row here.
 */
@ExtendWith(FlowstageExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessMatrixIT {
    enum Role { NONE, VIEWER, MEMBER, OWNER }

    enum Scope { READ, WRITE, ADMIN }

    /** One team-scoped call: who may make it at least, and a request that fails harmlessly once past the guard. */
    record Row(String method, String template, String path, String body, Role role, Scope scope) {}

    private static final String T = "/api/v1/teams/mx";
    private final Map<Role, Map<Scope, ApiClient>> clients = new EnumMap<>(Role.class);
    private TestServer server;

    @BeforeAll
    void setUp(TestServer server) {
        this.server = server;
        ApiClient admin = server.admin();
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"mx\"}");
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"mx-scratch\"}");
        admin.expect(201, "POST", T + "/applications", "{\"name\":\"app\"}");
        admin.expect(201, "POST", T + "/instances", "{\"name\":\"dev\",\"application\":\"app\"}");
        admin.expect(201, "POST", T + "/instances", "{\"name\":\"qa\",\"application\":\"app\"}");
        admin.expect(201, "POST", T + "/pipelines", """
                {"name":"line","application":"app","stages":[
                  {"name":"dev","instance":"dev"},{"name":"qa","instance":"qa"}]}""");
        admin.expect(201, "POST", T + "/webhooks",
                "{\"name\":\"chat\",\"url\":\"https://hooks.example.test/services/T000/B000/XXXXSECRETPATH\","
                        + "\"events\":[\"run\"]}");
        for (Role role : Role.values()) {
            TestUser user = server.newUser("mx-" + role.name().toLowerCase());
            if (role != Role.NONE) {
                for (String team : List.of("mx", "mx-scratch")) {
                    admin.expect(201, "PUT", "/api/v1/teams/" + team + "/members/" + user.name(),
                            "{\"role\":\"" + role.name().toLowerCase() + "\"}");
                }
            }
            ApiClient self = ApiClient.basic(server.httpBase(), user.name(), user.password());
            Map<Scope, ApiClient> byScope = new EnumMap<>(Scope.class);
            for (Scope scope : Scope.values()) {
                String token = self.expect(201, "POST", "/api/v1/tokens", "{\"name\":\"mx-" + scope.name().toLowerCase()
                        + "\",\"scope\":\"" + scope.name().toLowerCase() + "\"}").get("token").asText();
                byScope.put(scope, ApiClient.bearer(server.httpBase(), token));
            }
            clients.put(role, byScope);
        }
    }

    private static List<Row> teamRows() {
        String snap = T + "/instances/dev/snapshots";
        String p = T + "/pipelines";
        return List.of(
                new Row("DELETE", "teams/{team}", "/api/v1/teams/mx-scratch", null, Role.OWNER, Scope.ADMIN),
                new Row("PUT", "teams/{team}/members/{user}", T + "/members/mx-none", "{\"role\":\"nonsense\"}",
                        Role.OWNER, Scope.ADMIN),
                new Row("DELETE", "teams/{team}/members/{user}", T + "/members/nobody-here", null, Role.OWNER, Scope.ADMIN),
                new Row("POST", "teams/{team}/applications", T + "/applications", "{}", Role.OWNER, Scope.WRITE),
                new Row("PATCH", "teams/{team}/applications/{name}", T + "/applications/nope", "{}", Role.OWNER, Scope.WRITE),
                new Row("DELETE", "teams/{team}/applications/{name}", T + "/applications/nope", null, Role.OWNER, Scope.WRITE),
                new Row("POST", "teams/{team}/{kind}", T + "/instances", "{}", Role.OWNER, Scope.WRITE),
                new Row("PATCH", "teams/{team}/{kind}/{name}", T + "/instances/nope", "{}", Role.OWNER, Scope.WRITE),
                new Row("DELETE", "teams/{team}/{kind}/{name}", T + "/instances/nope", null, Role.OWNER, Scope.WRITE),
                new Row("POST", "teams/{team}/{kind}/{name}/token", T + "/devices/nope/token", null, Role.OWNER, Scope.ADMIN),
                new Row("POST", "teams/{team}/devices/{name}/keys", T + "/devices/nope/keys", "{}", Role.OWNER, Scope.ADMIN),
                new Row("DELETE", "teams/{team}/devices/{name}/keys/{title}", T + "/devices/nope/keys/x", null,
                        Role.OWNER, Scope.ADMIN),
                new Row("POST", "teams/{team}/{kind}/{name}/snapshots", snap, "{}", Role.MEMBER, Scope.WRITE),
                new Row("POST", "teams/{team}/{kind}/{name}/snapshots/{id}/export", snap + "/deadbeef/export", "{}",
                        Role.MEMBER, Scope.WRITE),
                new Row("GET", "teams/{team}/{kind}/{name}/snapshots/{id}/export", snap + "/deadbeef/export", null,
                        Role.MEMBER, Scope.WRITE),
                new Row("POST", "teams/{team}/{kind}/{name}/snapshots/import", snap + "/import", "{}",
                        Role.MEMBER, Scope.WRITE),
                new Row("POST", "teams/{team}/pipelines", p, "{}", Role.OWNER, Scope.WRITE),
                new Row("PUT", "teams/{team}/pipelines/{pipeline}", p + "/line", "{}", Role.OWNER, Scope.WRITE),
                new Row("DELETE", "teams/{team}/pipelines/{pipeline}", p + "/nope", null, Role.OWNER, Scope.WRITE),
                new Row("POST", "teams/{team}/pipelines/{pipeline}/stages", p + "/line/stages", "{}", Role.OWNER, Scope.WRITE),
                new Row("DELETE", "teams/{team}/pipelines/{pipeline}/stages/{stage}", p + "/line/stages/nope", null,
                        Role.OWNER, Scope.WRITE),
                new Row("POST", "teams/{team}/pipelines/{pipeline}/stages/reorder", p + "/line/stages/reorder", "{}",
                        Role.OWNER, Scope.WRITE),
                new Row("POST", "teams/{team}/pipelines/{pipeline}/stages/{stage}/deploy", p + "/line/stages/nope/deploy",
                        "{}", Role.MEMBER, Scope.WRITE),
                new Row("POST", "teams/{team}/pipelines/{pipeline}/runs/{run}/rollback", p + "/line/runs/999999/rollback",
                        null, Role.MEMBER, Scope.WRITE),
                new Row("GET", "teams/{team}/pipelines/{pipeline}/status", p + "/line/status", null, Role.VIEWER,
                        Scope.READ),
                new Row("POST", "teams/{team}/pipelines/{pipeline}/{state}", p + "/nope/pause", null, Role.OWNER, Scope.WRITE),
                new Row("POST", "teams/{team}/reviews/{id}/approve", T + "/reviews/999999/approve", null,
                        Role.OWNER, Scope.WRITE),
                new Row("POST", "teams/{team}/reviews/{id}/reject", T + "/reviews/999999/reject", "{}",
                        Role.OWNER, Scope.WRITE),
                new Row("POST", "teams/{team}/webhooks", T + "/webhooks", "{}", Role.OWNER, Scope.ADMIN),
                new Row("DELETE", "teams/{team}/webhooks/{name}", T + "/webhooks/nope", null, Role.OWNER, Scope.ADMIN),
                new Row("POST", "teams/{team}/events/ticket", T + "/events/ticket", null, Role.VIEWER, Scope.READ),
                new Row("PUT", "teams/{team}/secrets/{path}", T + "/secrets/mx/one", "{}", Role.OWNER, Scope.ADMIN),
                new Row("DELETE", "teams/{team}/secrets/{path}", T + "/secrets/nope", null, Role.OWNER, Scope.ADMIN),
                new Row("POST", "teams/{team}/integrations/git", T + "/integrations/git", "{}", Role.OWNER, Scope.ADMIN),
                new Row("DELETE", "teams/{team}/integrations/git/{name}", T + "/integrations/git/nope", null,
                        Role.OWNER, Scope.ADMIN),
                new Row("PUT", "teams/{team}/instances/{name}/upstream", T + "/instances/dev/upstream", "{}",
                        Role.OWNER, Scope.WRITE),
                new Row("DELETE", "teams/{team}/instances/{name}/upstream", T + "/instances/dev/upstream", null,
                        Role.OWNER, Scope.WRITE),
                new Row("POST", "teams/{team}/instances/{name}/upstream/pause", T + "/instances/dev/upstream/pause", null,
                        Role.OWNER, Scope.WRITE),
                new Row("POST", "teams/{team}/instances/{name}/upstream/resume", T + "/instances/dev/upstream/resume", null,
                        Role.OWNER, Scope.WRITE),
                new Row("POST", "teams/{team}/instances/{name}/upstream/sync", T + "/instances/dev/upstream/sync", null,
                        Role.OWNER, Scope.WRITE));
    }

    /** Calls that are not team-scoped: who may make them is the server-admin flag and the token scope. */
    private static final Set<String> SITE_CALLS = Set.of("POST teams", "POST users", "PATCH users/{name}",
            "DELETE users/{name}", "POST user/keys", "DELETE user/keys/{title}", "POST tokens", "DELETE tokens/{name}",
            // authenticated by the secret in its path, not by a credential (PipelineHookResource)
            "POST teams/{team}/pipelines/{pipeline}/hooks/{secret}",
            // a device's own report, with its device token; people get 403 (DeviceStatusIT)
            "POST devices/self/status",
            // authenticated by the signature over its body, not by a credential (UpstreamResource)
            "POST teams/{team}/instances/{name}/upstream/hook",
            // the web UI's sign-in takes a password (no credentials yet); sign-out ends the caller's own session
            "POST session", "DELETE session");

    @Test
    void everyStateChangingCallHasARow() throws Exception {
        Set<String> inApi = new TreeSet<>(JerseyResources.calls());
        assertThat(inApi).as("calls found").hasSizeGreaterThan(40);
        Set<String> covered = new TreeSet<>(SITE_CALLS);
        teamRows().forEach(r -> covered.add(r.method() + " " + r.template()));
        inApi.removeIf(call -> call.startsWith("GET ") && !covered.contains(call));
        assertThat(covered).as("rows of this test vs state-changing calls of the API").isEqualTo(inApi);
    }

    @Test
    void belowItsMinimumEveryCallIsRefusedAndChangesNothing() throws Exception {
        String before = configHead();
        List<String> failures = new ArrayList<>();
        for (Row row : teamRows()) {
            for (Role role : Role.values()) {
                for (Scope scope : Scope.values()) {
                    if (role.compareTo(row.role()) >= 0 && scope.compareTo(row.scope()) >= 0) {
                        continue;
                    }
                    ApiClient.Response r = clients.get(role).get(scope).send(row.method(), row.path(), row.body());
                    // non-members get 404 (no existence leak), except that a read-scope token is refused
                    // any change before the team is looked at, which says nothing about the team
                    boolean readOnlyToken = scope == Scope.READ && !row.method().equals("GET")
                            && row.role() != Role.VIEWER; // a ticket only lets its holder read: asked like a GET
                    int expected = role == Role.NONE && !readOnlyToken ? 404 : 403;
                    if (r.status() != expected) {
                        failures.add(row.method() + " " + row.path() + " as " + role + "/" + scope + ": expected "
                                + expected + ", got " + r);
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        assertThat(configHead()).as("refused calls left _config.git as it was").isEqualTo(before);
    }

    @Test
    void atItsMinimumEveryCallPassesTheGuard() {
        List<String> failures = new ArrayList<>();
        for (Row row : teamRows()) {
            ApiClient.Response r = clients.get(row.role()).get(row.scope()).send(row.method(), row.path(), row.body());
            String message = r.json().path("error").path("message").asText();
            if (r.status() == 401 || r.status() == 403 || message.matches("team '[a-z-]+' not found")) {
                failures.add(row.method() + " " + row.path() + " as " + row.role() + "/" + row.scope() + ": " + r);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void siteCallsNeedAnAdminScopedCredential() {
        // the owner of a team is an ordinary user: tokens, keys and their own account need admin scope
        for (Scope scope : List.of(Scope.READ, Scope.WRITE)) {
            ApiClient c = clients.get(Role.OWNER).get(scope);
            for (String[] call : new String[][] {{"POST", "/api/v1/tokens", "{\"name\":\"x\",\"scope\":\"admin\"}"},
                    {"DELETE", "/api/v1/tokens/mx-admin", null},
                    {"POST", "/api/v1/user/keys", "{}"}, {"DELETE", "/api/v1/user/keys/laptop", null},
                    {"PATCH", "/api/v1/users/mx-owner", "{\"password\":\"a-new-password-123\"}"}}) {
                assertThat(c.send(call[0], call[1], call[2]).status()).as(call[0] + " " + call[1] + " " + scope)
                        .isEqualTo(403);
            }
        }
        // server-level calls need the server admin, and from the admin an admin-scoped credential
        ApiClient admin = server.admin();
        String adminWrite = admin.expect(201, "POST", "/api/v1/tokens", "{\"name\":\"mx-w\",\"scope\":\"write\"}")
                .get("token").asText();
        ApiClient adminWriteToken = ApiClient.bearer(server.httpBase(), adminWrite);
        for (ApiClient c : List.of(clients.get(Role.OWNER).get(Scope.ADMIN), adminWriteToken)) {
            for (String[] call : new String[][] {{"POST", "/api/v1/teams", "{\"name\":\"mx-new\"}"},
                    {"POST", "/api/v1/users", "{\"name\":\"mx-new\"}"}, {"DELETE", "/api/v1/users/mx-none", null}}) {
                assertThat(c.send(call[0], call[1], call[2]).status()).as(call[0] + " " + call[1]).isEqualTo(403);
            }
        }
        assertThat(server.admin().get("/api/v1/teams/mx-new").status()).isEqualTo(404);
        assertThat(server.admin().get("/api/v1/users/mx-new").status()).isEqualTo(404);
    }

    @Test
    void secretsThatCanCauseAWriteAreShownOnlyToOwnersWhoMayWrite() {
        for (Role role : Role.values()) {
            for (Scope scope : Scope.values()) {
                ApiClient c = clients.get(role).get(scope);
                boolean mayWrite = role == Role.OWNER && scope != Scope.READ;
                ApiClient.Response one = c.get(T + "/pipelines/line");
                ApiClient.Response list = c.get(T + "/pipelines");
                if (role == Role.NONE) {
                    assertThat(one.status()).isEqualTo(404);
                    continue;
                }
                String who = role + "/" + scope;
                assertThat(one.json().path("webhook").path("secret").isTextual()).as(who).isEqualTo(mayWrite);
                assertThat(list.json().path("items").get(0).path("webhook").path("secret").isTextual()).as(who)
                        .isEqualTo(mayWrite);
                ApiClient.Response hook = c.get(T + "/webhooks/chat");
                if (role != Role.OWNER) {
                    assertThat(hook.status()).as(who).isEqualTo(403);
                } else {
                    assertThat(hook.body().contains("XXXXSECRETPATH")).as(who).isEqualTo(mayWrite);
                    assertThat(hook.json().path("origin").asText()).as(who).isEqualTo("https://hooks.example.test");
                }
            }
        }
        // the secret a read-scope owner cannot see is the one that runs deploys without credentials
        String secret = clients.get(Role.OWNER).get(Scope.WRITE).get(T + "/pipelines/line")
                .json().path("webhook").path("secret").asText();
        assertThat(server.anonymous().post(T + "/pipelines/line/hooks/" + secret, null).status()).isEqualTo(202);
    }

    private String configHead() throws IOException, InterruptedException {
        Path repo = server.dataDir().resolve("repos/mx/_config.git");
        Process git = new ProcessBuilder("git", "--git-dir", repo.toString(), "rev-parse", "refs/heads/main")
                .redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes()).trim();
        git.waitFor();
        return out;
    }
}
