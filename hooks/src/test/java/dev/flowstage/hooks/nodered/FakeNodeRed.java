package dev.flowstage.hooks.nodered;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A stand-in for Node-RED's Admin API at the HTTP boundary, for failures a real Node-RED cannot be made to
 * show on demand (slow answers, HTML, odd statuses) and for counting what a client sends. Each request is
 * answered by {@link #handler}; the requests are recorded.
 */
final class FakeNodeRed implements AutoCloseable {
    /** A request as received. */
    record Request(String method, String path, String authorization, String apiVersion, String deploymentType,
                   String body) {}

    @FunctionalInterface
    interface Handler {
        void handle(HttpExchange exchange, Request request) throws IOException, InterruptedException;
    }

    final List<Request> requests = new CopyOnWriteArrayList<>();
    volatile Handler handler = (ex, r) -> reply(ex, 200, "application/json", "{\"rev\":\"1\",\"flows\":[]}");
    private final HttpServer server;

    FakeNodeRed() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", ex -> {
            Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                    ex.getRequestHeaders().getFirst("Authorization"),
                    ex.getRequestHeaders().getFirst("Node-RED-API-Version"),
                    ex.getRequestHeaders().getFirst("Node-RED-Deployment-Type"),
                    new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(r);
            try {
                handler.handle(ex, r);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ex.close();
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
