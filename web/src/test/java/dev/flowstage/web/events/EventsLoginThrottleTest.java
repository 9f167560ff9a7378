package dev.flowstage.web.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event WebSocket's upgrade counts failed sign-ins like the rest of the API and answers 429 when throttled. */
class EventsLoginThrottleTest {
    @TempDir
    Path tmp;
    private EventsServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        server = new EventsServer(tmp.resolve("data"), EventStreams.Settings.DEFAULT, api -> { });
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void tenWrongPasswordsThenTheUpgradeAnswers429WithRetryAfter() throws Exception {
        String wrong = "Basic " + Base64.getEncoder().encodeToString("olive:wrong".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 10; i++) {
            assertEquals(401, refusal(wrong).statusCode());
        }
        HttpResponse<?> throttled = refusal(EventsServer.basic("olive"));
        assertEquals(429, throttled.statusCode());
        assertEquals("60", throttled.headers().firstValue("Retry-After").orElse(""));
    }

    private HttpResponse<?> refusal(String authorization) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> http.newWebSocketBuilder()
                .header("Authorization", authorization)
                .buildAsync(URI.create("ws://" + server.base + "/api/v1/teams/acme/events"), new WebSocket.Listener() { })
                .get(10, TimeUnit.SECONDS));
        return assertInstanceOf(WebSocketHandshakeException.class, e.getCause()).getResponse();
    }
}
