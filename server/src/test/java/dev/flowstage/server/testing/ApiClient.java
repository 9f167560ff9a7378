package dev.flowstage.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** A small JSON client for the REST API, signed in as one user (Basic) or with a token (Bearer). */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String authorization;

    private ApiClient(String base, String authorization) {
        this.base = base;
        this.authorization = authorization;
    }

    public static ApiClient basic(String base, String user, String secret) {
        String raw = user + ":" + secret;
        return new ApiClient(base, "Basic " + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8)));
    }

    public static ApiClient bearer(String base, String token) {
        return new ApiClient(base, "Bearer " + token);
    }

    public static ApiClient anonymous(String base) {
        return new ApiClient(base, null);
    }

    /** A response: status, body text and the body parsed as JSON (missing node when it is not JSON). */
    public record Response(int status, String body, JsonNode json, HttpResponse<String> raw) {
        public JsonNode get(String field) {
            return json.path(field);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Response get(String path) {
        return send("GET", path, null);
    }

    public Response delete(String path) {
        return send("DELETE", path, null);
    }

    public Response post(String path, String json) {
        return send("POST", path, json);
    }

    public Response put(String path, String json) {
        return send("PUT", path, json);
    }

    public Response patch(String path, String json) {
        return send("PATCH", path, json);
    }

    /** Sends {@code body} as-is (it may be deliberately malformed JSON). */
    public Response send(String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = r.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(r.body());
            } catch (IOException notJson) {
                json = MissingNode.getInstance();
            }
            return new Response(r.statusCode(), r.body(), json, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Like {@link #send} but fails unless the status is {@code expected}. */
    public Response expect(int expected, String method, String path, String body) {
        Response r = send(method, path, body);
        if (r.status() != expected) {
            throw new AssertionError(method + " " + path + ": expected " + expected + " but got " + r);
        }
        return r;
    }
}
