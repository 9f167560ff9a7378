package dev.flowstage.server.e2e.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One WebDriver BiDi connection ({@code ws://HOST:PORT/session}): sends commands as
 * {@code {id, method, params}}, matches each answer to its command by id (an {@code error} answer
 * becomes an exception naming the command and the browser's message), and hands every event
 * ({@code {type:"event", method, params}}) to the listener given at connect time.
 */
final class BidiSocket implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Consumer<JsonNode> events;
    private final WebSocket socket;
    private volatile Throwable closedBy;

    private BidiSocket(URI uri, Consumer<JsonNode> events, Duration timeout) throws Exception {
        this.events = events;
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(timeout)
                .buildAsync(uri, new Listener()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static BidiSocket connect(URI uri, Consumer<JsonNode> events, Duration timeout) throws Exception {
        return new BidiSocket(uri, events, timeout);
    }

    /** Sends {@code method} and waits for its {@code result}; the browser's error answer is thrown. */
    JsonNode send(String method, JsonNode params, Duration timeout) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
        command.set("params", params == null ? JSON.createObjectNode() : params);
        try {
            if (closedBy != null) {
                throw new IllegalStateException("the BiDi connection is closed", closedBy);
            }
            socket.sendText(command.toString(), true).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            JsonNode reply = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if ("error".equals(reply.path("type").asText())) {
                throw new IllegalStateException("Firefox refused " + method + ": " + reply.path("error").asText()
                        + " — " + reply.path("message").asText());
            }
            return reply.path("result");
        } catch (TimeoutException e) {
            throw new IllegalStateException("Firefox did not answer " + method + " within " + timeout, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the BiDi connection failed during " + method, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + method, e);
        } finally {
            pending.remove(id);
        }
    }

    static ObjectNode params() {
        return JSON.createObjectNode();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(e -> null);
        }
        socket.abort();
    }

    private void received(String text) {
        JsonNode message;
        try {
            message = JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("Firefox sent something that is not JSON: " + text, e);
        }
        if (message.hasNonNull("id")) {
            CompletableFuture<JsonNode> waiting = pending.get(message.path("id").asLong());
            if (waiting != null) {
                waiting.complete(message);
            }
        } else if ("event".equals(message.path("type").asText())) {
            events.accept(message);
        }
    }

    private void failAll(Throwable why) {
        closedBy = why;
        pending.values().forEach(f -> f.completeExceptionally(why));
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder parts = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            parts.append(data);
            if (last) {
                String whole = parts.toString();
                parts.setLength(0);
                received(whole);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            failAll(new IllegalStateException("Firefox closed the BiDi connection: " + statusCode + " " + reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failAll(error);
        }
    }
}
