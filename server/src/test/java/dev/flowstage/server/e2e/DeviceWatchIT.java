package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.server.FlowstageServer;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long-poll watch of a device's main over the real server: answered at once, on the ref update,
 * at the timeout, and ended by deletion or revocation; many waiters at once hold no threads.
 */
@ExtendWith(FlowstageExtension.class)
class DeviceWatchIT {
    private static final String TEAM = "watchers";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern WAITING = Pattern.compile("(?m)^flowstage_device_watchers\\S* (\\d+)");
    private static TestServer server;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void setUp(TestServer s) {
        server = s;
        s.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"" + TEAM + "\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/applications", "{\"name\":\"line\"}");
    }

    @Test
    void answersAtOnceWhenMainDiffersAndOnTheUpdateOtherwise() throws Exception {
        String token = DeviceFleet.create(server, TEAM, "line", "pi-a", null);
        String first = DeviceFleet.deploy(server, TEAM, "pi-a", "first");
        // no after, or an old one: the current main at once
        assertThat(watch(token, null, 30).join().body()).isEqualTo("{\"commit\":\"" + first + "\"}");
        String zero = "0".repeat(40);
        assertThat(watch(token, zero, 30).join().body()).contains(first);

        CompletableFuture<HttpResponse<String>> waiting = watch(token, first, 60);
        awaitWaiting(1);
        assertThat(waiting).isNotDone();
        String second = DeviceFleet.deploy(server, TEAM, "pi-a", "second");
        HttpResponse<String> moved = waiting.get(20, TimeUnit.SECONDS);
        assertThat(moved.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(moved.body()).get("commit").asText()).isEqualTo(second);
        assertThat(moved.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void answers204AtTheTimeout() throws Exception {
        String token = DeviceFleet.create(server, TEAM, "line", "pi-b", null);
        String main = DeviceFleet.deploy(server, TEAM, "pi-b", "only");
        HttpResponse<String> r = watch(token, main, 1).get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void badParametersAreNamed() {
        String token = DeviceFleet.create(server, TEAM, "line", "pi-c", null);
        ApiClient pi = DeviceFleet.device(server, token);
        for (String t : new String[] {"abc", "0", "301", "-5"}) {
            ApiClient.Response r = pi.get("/api/v1/devices/self/watch?timeout=" + t);
            assertThat(r.status()).as(t).isEqualTo(422);
            assertThat(r.json().at("/error/message").asText())
                    .isEqualTo("timeout must be a whole number of seconds from 1 to 300, got '" + t + "'");
        }
        ApiClient.Response after = pi.get("/api/v1/devices/self/watch?after=main");
        assertThat(after.status()).isEqualTo(422);
        assertThat(after.json().at("/error/message").asText())
                .isEqualTo("after must be a full 40-character lower-case commit sha, got 'main'");
        assertThat(server.admin().get("/api/v1/devices/self/watch").status()).isEqualTo(403);
    }

    @Test
    void aDeviceDeletedWhileItWatchesGets404() throws Exception {
        String token = DeviceFleet.create(server, TEAM, "line", "pi-d", null);
        String main = DeviceFleet.deploy(server, TEAM, "pi-d", "d");
        CompletableFuture<HttpResponse<String>> waiting = watch(token, main, 120);
        awaitWaiting(1);
        server.admin().expect(204, "DELETE", "/api/v1/teams/" + TEAM + "/devices/pi-d", null);
        HttpResponse<String> r = waiting.get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(r.body()).at("/error/message").asText())
                .isEqualTo("device 'watchers/pi-d' was deleted");
    }

    @Test
    void aRevokedTokenEndsTheWaitWith401() throws Exception {
        String token = DeviceFleet.create(server, TEAM, "line", "pi-e", null);
        String main = DeviceFleet.deploy(server, TEAM, "pi-e", "e");
        CompletableFuture<HttpResponse<String>> waiting = watch(token, main, 120);
        awaitWaiting(1);
        server.admin().expect(200, "POST", "/api/v1/teams/" + TEAM + "/devices/pi-e/token", null);
        HttpResponse<String> r = waiting.get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).at("/error/message").asText())
                .isEqualTo("the device token was revoked or replaced");
    }

    @Test
    void twoHundredWaitersAreAllAnsweredByOneDeploy() throws Exception {
        int devices = 10;
        int perDevice = 20;
        List<String> tokens = new ArrayList<>();
        List<String> mains = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            tokens.add(DeviceFleet.create(server, TEAM, "line", "many-" + d, null));
            mains.add(DeviceFleet.deploy(server, TEAM, "many-" + d, "v1"));
        }
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < devices * perDevice; i++) {
            waiting.add(watch(tokens.get(i % devices), mains.get(i % devices), 120));
        }
        // more waiters than Jetty has threads (200 by default): they wait without holding one
        awaitWaiting(devices * perDevice);
        assertThat(DeviceFleet.device(server, tokens.get(0)).get("/api/v1/devices/self").status()).isEqualTo(200);
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        List<String> next = new ArrayList<>();
        for (int d = 0; d < devices; d++) {
            next.add(DeviceFleet.deploy(server, TEAM, "many-" + d, "v2"));
        }
        for (int i = 0; i < waiting.size(); i++) {
            HttpResponse<String> r = waiting.get(i).get(60, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).get("commit").asText()).isEqualTo(next.get(i % devices));
        }
        awaitWaiting(0);
    }

    @Test
    void aWatchLongerThanTheConnectionIdleTimeoutStillEndsWith204(@TempDir Path dir) throws Exception {
        // a waiting watch moves no bytes: Jetty's idle timeout must not cut it short
        try (FlowstageServer idle = FlowstageServer.start(List.of("--data", dir.resolve("data").toString(),
                "--bind", "127.0.0.1", "--http-port", "random", "--https-port", "random", "--ssh-port", "random",
                "--http-idle-timeout-seconds", "1"), Map.of("FLOWSTAGE_ADMIN_PASSWORD", TestServer.ADMIN_PASSWORD))) {
            String base = "http://127.0.0.1:" + idle.httpPort();
            ApiClient admin = ApiClient.basic(base, "admin", TestServer.ADMIN_PASSWORD);
            admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"idle\"}");
            admin.expect(201, "POST", "/api/v1/teams/idle/applications", "{\"name\":\"line\"}");
            String token = admin.expect(201, "POST", "/api/v1/teams/idle/devices",
                    "{\"name\":\"pi\",\"application\":\"line\"}").get("token").asText();
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/api/v1/devices/self/watch?timeout=3"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(60)).GET().build();
            HttpResponse<String> r = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(204);
        }
    }

    private static CompletableFuture<HttpResponse<String>> watch(String token, String after, int timeout) {
        String query = "?timeout=" + timeout + (after == null ? "" : "&after=" + after);
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.httpBase() + "/api/v1/devices/self/watch" + query))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(timeout + 30))
                .GET().build();
        return HTTP.sendAsync(req, HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until the server's metrics count {@code n} devices waiting. */
    private static void awaitWaiting(int n) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Matcher m = WAITING.matcher(server.anonymous().get("/metrics").body());
            return m.find() && Integer.parseInt(m.group(1).replaceAll("\\..*", "")) == n;
        });
    }
}
