package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.TeamEventStream;
import dev.flowstage.server.testing.TestServer;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Devices report what they run; people see it per device and per group; bad reports are refused with
 * a message; reports survive a clean restart.
 */
@ExtendWith(FlowstageExtension.class)
class DeviceStatusIT {
    private static final String TEAM = "fleet";
    private static TestServer server;
    private static String pi1Token;
    private static String pi2Token;
    private static String pi4Token;
    private static String pi5Token;
    private static String pi1Main;

    @BeforeAll
    static void setUp(TestServer s) throws Exception {
        server = s;
        s.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"" + TEAM + "\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/applications", "{\"name\":\"line\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/groups", "{\"name\":\"hall\",\"application\":\"line\"}");
        pi1Token = DeviceFleet.create(s, TEAM, "line", "pi-1", "hall");
        pi2Token = DeviceFleet.create(s, TEAM, "line", "pi-2", "hall");
        DeviceFleet.create(s, TEAM, "line", "pi-3", "hall"); // never reports
        pi4Token = DeviceFleet.create(s, TEAM, "line", "pi-4", "hall");
        pi5Token = DeviceFleet.create(s, TEAM, "line", "pi-5", null);
        pi1Main = DeviceFleet.deploy(s, TEAM, "pi-1", "one");
    }

    @Test
    void aReportIsStoredShownPerDeviceAndSummarisedPerGroup() throws Exception {
        ApiClient.Response r = pi1().post("/api/v1/devices/self/status", "{\"commit\":\"" + pi1Main
                + "\",\"state\":\"running\",\"message\":\"3 flows\",\"modules\":{\"node-red-contrib-x\":\"1.2.3\"}}");
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.get("commit").asText()).isEqualTo(pi1Main);
        assertThat(r.get("state").asText()).isEqualTo("running");
        assertThat(r.get("activeCommit").asText()).isEqualTo(pi1Main);
        assertThat(r.get("modules").get("node-red-contrib-x").asText()).isEqualTo("1.2.3");

        JsonNode view = DeviceFleet.get(server, TEAM, "devices", "pi-1");
        assertThat(view.get("name").asText()).isEqualTo("pi-1");
        assertThat(view.get("targetCommit").asText()).isEqualTo(pi1Main);
        assertThat(view.get("activeCommit").asText()).isEqualTo(pi1Main);
        assertThat(view.get("state").asText()).isEqualTo("running");
        assertThat(view.get("message").asText()).isEqualTo("3 flows");
        assertThat(view.get("lastSeen").asText()).isNotEmpty();
        assertThat(view.get("online").asBoolean()).isTrue();

        // pi-2 runs an older deploy, pi-4 failed to apply its new one, pi-3 never reported
        String old = DeviceFleet.deploy(server, TEAM, "pi-2", "old");
        DeviceFleet.deploy(server, TEAM, "pi-2", "new");
        assertThat(pi2().post("/api/v1/devices/self/status", DeviceFleet.status(old, "running")).status()).isEqualTo(200);
        String pi4Main = DeviceFleet.deploy(server, TEAM, "pi-4", "four");
        ApiClient.Response error = pi4().post("/api/v1/devices/self/status",
                "{\"commit\":\"" + pi4Main + "\",\"state\":\"error\",\"message\":\"Node-RED refused the flows\"}");
        assertThat(error.status()).as(error.toString()).isEqualTo(200);
        assertThat(error.get("activeCommit").isNull()).as("it never ran anything").isTrue();

        JsonNode pi2View = DeviceFleet.get(server, TEAM, "devices", "pi-2");
        assertThat(pi2View.get("activeCommit").asText()).isEqualTo(old);
        assertThat(pi2View.get("targetCommit").asText()).isNotEqualTo(old);
        JsonNode pi3View = DeviceFleet.get(server, TEAM, "devices", "pi-3");
        assertThat(pi3View.get("state").isNull()).isTrue();
        assertThat(pi3View.get("online").asBoolean()).isFalse();

        JsonNode summary = DeviceFleet.get(server, TEAM, "groups", "hall").get("summary");
        assertThat(summary.get("total").asInt()).isEqualTo(4);
        assertThat(summary.get("onTarget").asInt()).isEqualTo(1);
        assertThat(summary.get("behind").asInt()).isEqualTo(1);
        assertThat(summary.get("error").asInt()).isEqualTo(1);
        assertThat(summary.get("offline").asInt()).isEqualTo(1);
    }

    @Test
    void eachReportIsADeviceEventOnTheTeamStream() throws Exception {
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket ws = TeamEventStream.openAsAdmin(server, TEAM, received::add);
        try {
            assertThat(pi1().post("/api/v1/devices/self/status", "{\"commit\":\"" + pi1Main
                    + "\",\"state\":\"running\",\"message\":\"3 flows\"}").status()).isEqualTo(200);
            JsonNode event = null;
            for (String m = received.poll(30, TimeUnit.SECONDS); m != null && event == null;
                 m = event == null ? received.poll(30, TimeUnit.SECONDS) : null) {
                JsonNode e = new ObjectMapper().readTree(m);
                if ("device".equals(e.path("type").asText())) {
                    event = e;
                }
            }
            assertThat(event).as("a device event within 30 s").isNotNull();
            assertThat(event.path("target").asText()).isEqualTo("pi-1");
            assertThat(event.toString()).contains(pi1Main).contains("\"running\"").contains("3 flows");
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        }
    }

    @Test
    void aCommitTheDeviceWasNeverSentIsRefusedNamingIt() throws Exception {
        String elsewhere = DeviceFleet.deploy(server, TEAM, "pi-3", "not for pi-1");
        ApiClient.Response r = pi1().post("/api/v1/devices/self/status", DeviceFleet.status(elsewhere, "running"));
        assertThat(r.status()).isEqualTo(422);
        assertThat(r.json().at("/error/code").asText()).isEqualTo("unknown_commit");
        assertThat(r.json().at("/error/message").asText()).isEqualTo("commit " + elsewhere
                + " was never sent to device 'fleet/pi-1': it is not on the device's main or device branch");
        String made = "0123456789abcdef0123456789abcdef01234567";
        assertThat(pi1().post("/api/v1/devices/self/status", DeviceFleet.status(made, "running")).status()).isEqualTo(422);
    }

    @Test
    void badReportsAreRefusedWithTheField() {
        assertThat(message(pi1().post("/api/v1/devices/self/status", DeviceFleet.status(pi1Main, "crashed"))))
                .isEqualTo("state must be running, error or stopped, got 'crashed'");
        assertThat(message(pi1().post("/api/v1/devices/self/status", DeviceFleet.status("abc123", "running"))))
                .isEqualTo("commit must be a full 40-character lower-case commit sha, got 'abc123'");
        assertThat(message(pi1().post("/api/v1/devices/self/status", "{\"state\":\"running\"}")))
                .isEqualTo("field 'commit' is required");
        assertThat(message(pi1().post("/api/v1/devices/self/status", "{\"state\":\"stopped\",\"commit\":\"abc\"}")))
                .isEqualTo("commit must be a full 40-character lower-case commit sha, got 'abc'");
        String longMessage = "x".repeat(2001);
        assertThat(message(pi1().post("/api/v1/devices/self/status", "{\"commit\":\"" + pi1Main
                + "\",\"state\":\"error\",\"message\":\"" + longMessage + "\"}")))
                .isEqualTo("message is 2001 characters long; at most 2000 are kept");
        assertThat(message(pi1().post("/api/v1/devices/self/status", "{\"commit\":\"" + pi1Main
                + "\",\"state\":\"running\",\"modules\":[\"a\"]}")))
                .startsWith("modules must be an object of node module names to version strings");
    }

    @Test
    void aDeviceThatAppliedNothingYetReportsWithoutACommit() {
        String token = DeviceFleet.create(server, TEAM, "line", "pi-fresh", null);
        ApiClient.Response r = DeviceFleet.device(server, token).post("/api/v1/devices/self/status",
                "{\"state\":\"stopped\",\"message\":\"Node-RED is not reachable\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().path("commit").isNull()).isTrue();
        JsonNode view = DeviceFleet.get(server, TEAM, "devices", "pi-fresh");
        assertThat(view.path("state").asText()).isEqualTo("stopped");
        assertThat(view.path("message").asText()).isEqualTo("Node-RED is not reachable");
        assertThat(view.path("activeCommit").isNull()).isTrue();
    }

    @Test
    void theDeviceLearnsItsCredentialSecretAndNobodyElseDoes() {
        ApiClient.Response self = pi1().get("/api/v1/devices/self");
        assertThat(self.status()).as(self.toString()).isEqualTo(200);
        assertThat(self.get("team").asText()).isEqualTo(TEAM);
        assertThat(self.get("name").asText()).isEqualTo("pi-1");
        assertThat(self.get("application").asText()).isEqualTo("line");
        assertThat(self.get("group").asText()).isEqualTo("hall");
        assertThat(self.get("gitUrl").asText()).endsWith("/git/fleet/pi-1.git");
        assertThat(self.get("sshUrl").asText()).endsWith("/fleet/pi-1.git");
        String secret = self.get("credentialSecret").asText();
        assertThat(secret).hasSizeGreaterThanOrEqualTo(32);
        assertThat(pi1().get("/api/v1/devices/self").get("credentialSecret").asText()).as("stable").isEqualTo(secret);
        assertThat(server.admin().get("/api/v1/teams/" + TEAM + "/devices/pi-1").body()).doesNotContain(secret);
        assertThat(server.admin().get("/api/v1/teams/" + TEAM + "/devices").body()).doesNotContain(secret);
        // people are not devices
        ApiClient.Response asUser = server.admin().get("/api/v1/devices/self");
        assertThat(asUser.status()).isEqualTo(403);
        assertThat(asUser.json().at("/error/message").asText())
                .isEqualTo("this endpoint is for devices: call it with the device's token");
    }

    @Test
    void aDeviceTokenIsRefusedOnUserApis() {
        for (String path : new String[] {"/api/v1/teams", "/api/v1/tokens", "/api/v1/user",
                "/api/v1/teams/" + TEAM + "/devices/pi-1"}) {
            ApiClient.Response r = pi1().get(path);
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.json().at("/error/message").asText())
                    .isEqualTo("a device token works only on the device API (/api/v1/devices/self...)");
        }
        assertThat(pi1().post("/api/v1/teams", "{\"name\":\"mine\"}").status()).isEqualTo(403);
    }

    @Test
    void reportsSurviveARestart() throws Exception {
        String main = DeviceFleet.deploy(server, TEAM, "pi-5", "restart");
        ApiClient pi5 = DeviceFleet.device(server, pi5Token);
        assertThat(pi5.post("/api/v1/devices/self/status", DeviceFleet.status(main, "stopped")).status()).isEqualTo(200);
        server.restart();
        Path file = server.dataDir().resolve("devices").resolve("status.json");
        assertThat(Files.readString(file)).contains("fleet/pi-5");
        JsonNode view = DeviceFleet.get(server, TEAM, "devices", "pi-5");
        assertThat(view.get("reportedCommit").asText()).isEqualTo(main);
        assertThat(view.get("state").asText()).isEqualTo("stopped");
    }

    private static ApiClient pi1() {
        return DeviceFleet.device(server, pi1Token);
    }

    private static ApiClient pi2() {
        return DeviceFleet.device(server, pi2Token);
    }

    private static ApiClient pi4() {
        return DeviceFleet.device(server, pi4Token);
    }

    private static String message(ApiClient.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        return r.json().at("/error/message").asText();
    }
}
