package dev.flowstage.server.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** A team's event stream ({@code /api/v1/teams/TEAM/events}) opened over WebSocket with Basic credentials. */
public final class TeamEventStream {
    private TeamEventStream() {}

    /** Opens the stream; {@code onMessage} gets each whole text message (its fragments joined). */
    public static WebSocket open(TestServer server, String user, String password, String team,
                                 Consumer<String> onMessage) throws Exception {
        String basic = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().newWebSocketBuilder()
                .header("Authorization", "Basic " + basic)
                .buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort() + "/api/v1/teams/" + team + "/events"),
                        new WebSocket.Listener() {
                            private final StringBuilder text = new StringBuilder();

                            @Override
                            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                                text.append(data);
                                if (last) {
                                    onMessage.accept(text.toString());
                                    text.setLength(0);
                                }
                                socket.request(1);
                                return null;
                            }
                        })
                .get(20, TimeUnit.SECONDS);
    }

    /** As {@link #open}, as the server admin. */
    public static WebSocket openAsAdmin(TestServer server, String team, Consumer<String> onMessage) throws Exception {
        return open(server, "admin", TestServer.ADMIN_PASSWORD, team, onMessage);
    }
}
