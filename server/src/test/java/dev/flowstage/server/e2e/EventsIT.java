package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TeamEventStream;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.net.InetSocketAddress;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A push is streamed to the team's WebSocket subscribers and delivered, signed, to its webhooks. */
@ExtendWith(FlowstageExtension.class)
class EventsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPushReachesTheEventStreamAndASignedWebhook(TestServer server) throws Exception {
        TestUser mia = server.newUser("mia");
        TestUser stranger = server.newUser("stranger");
        server.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"ev\"}");
        server.admin().expect(201, "POST", "/api/v1/teams/ev/applications", "{\"name\":\"app\"}");
        server.admin().expect(201, "PUT", "/api/v1/teams/ev/members/mia", "{\"role\":\"member\"}");
        server.admin().expect(201, "POST", "/api/v1/teams/ev/instances", "{\"name\":\"dev\",\"application\":\"app\"}");

        BlockingQueue<String> deliveries = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            deliveries.add(exchange.getRequestHeaders().getFirst("X-Flowstage-Signature-256") + "\n" + body);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        String secret = "webhook-secret-0123456789";
        try {
            server.admin().expect(201, "POST", "/api/v1/teams/ev/webhooks", "{\"name\":\"ci\",\"url\":\"http://127.0.0.1:"
                    + receiver.getAddress().getPort() + "/hook\",\"events\":[\"push\"],\"secret\":\"" + secret + "\"}");

            BlockingQueue<String> received = new LinkedBlockingQueue<>();
            WebSocket ws = TeamEventStream.open(server, mia.name(), mia.password(), "ev", received::add);

            assertThatThrownBy(() -> TeamEventStream.open(server, stranger.name(), stranger.password(), "ev", m -> { }))
                    .hasStackTraceContaining("404");

            GitCli git = new GitCli(server.workDir().resolve("home"));
            Path work = server.workDir().resolve("dev");
            git.ok(server.workDir(), "clone", Transport.HTTP.url(server, mia, "ev", "dev"), work.toString());
            Files.writeString(work.resolve("flows.json"), "[]\n");
            git.ok(work, "add", ".");
            git.ok(work, "commit", "-q", "-m", "flows");
            git.ok(work, "push", "-q", "origin", "HEAD:main");
            String head = git.ok(work, "rev-parse", "HEAD").trim();

            String message = received.poll(30, TimeUnit.SECONDS);
            assertThat(message).as("no event within 30 s").isNotNull();
            JsonNode event = JSON.readTree(message);
            assertThat(event.path("type").asText()).isEqualTo("push");
            assertThat(event.path("target").asText()).isEqualTo("dev");
            assertThat(event.path("data").path("new").asText()).isEqualTo(head);
            ws.abort();

            String delivery = deliveries.poll(30, TimeUnit.SECONDS);
            assertThat(delivery).as("no webhook delivery within 30 s").isNotNull();
            String signature = delivery.substring(0, delivery.indexOf('\n'));
            String body = delivery.substring(delivery.indexOf('\n') + 1);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            assertThat(signature).isEqualTo("sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8))));
            assertThat(JSON.readTree(body).path("data").path("new").asText()).isEqualTo(head);
        } finally {
            receiver.stop(0);
        }
    }
}
