package dev.flowstage.web.api.snapshots;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;

/** Test helpers around a real Node-RED: Admin API reads (optionally with a token) and waiting for a condition. */
final class LiveNodeRed {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LiveNodeRed() {}

    /** {@code GET path} on Node-RED's Admin API as JSON, with the v2 API header and a Bearer token when given. */
    static JsonNode get(URI base, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20))
                .header("Node-RED-API-Version", "v2");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return SnapshotApiFixture.JSON.readTree(r.body());
    }

    /** Whether the flows Node-RED runs contain a node with {@code id}. */
    static boolean runsNode(URI base, String token, String id) throws IOException, InterruptedException {
        for (JsonNode n : get(base, "/flows", token).get("flows")) {
            if (id.equals(n.path("id").asText())) {
                return true;
            }
        }
        return false;
    }

    /** Waits up to 60 s for {@code condition}; fails with {@code what} and the last value of {@code describe}. */
    static void await(String what, Callable<Boolean> condition, Callable<Object> describe) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.call()) {
                return;
            }
            Thread.sleep(200);
        }
        fail("timed out waiting for " + what + "; last seen: " + describe.call());
    }

    /** A port nothing listens on (it was free a moment ago). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
