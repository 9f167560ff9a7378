package dev.flowstage.agent.nodered;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The local Node-RED's Admin API: the deployed flows ({@code GET /flows}), a full deploy
 * ({@code POST /flows}), both with {@code Node-RED-API-Version: v2}; the loaded modules
 * ({@code GET /nodes}) and loading one ({@code POST /nodes}). With adminAuth on, it sends the configured
 * token as a Bearer token, or logs in with the configured user ({@code POST /auth/token}) and renews
 * the token when Node-RED answers 401.
 */
public final class NodeRedAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final URI base;
    private final String fixedToken;
    private final String user;
    private final String password;
    private final HttpClient http = HttpClient.newBuilder()
            // Node.js drops connections that ask to upgrade to h2c, which Java does by default
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private String loginToken;

    /**
     * @param token an Admin API access token, or null
     * @param user a user of Node-RED's adminAuth (with {@code password}), or null
     */
    public NodeRedAdmin(String url, String token, String user, String password) {
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.fixedToken = token;
        this.user = user;
        this.password = password;
    }

    /** The deployed flows, without credentials (Node-RED never sends them). */
    public ArrayNode flows() {
        HttpResponse<byte[]> r = send(() -> builder("flows").GET(), "reading the flows");
        JsonNode body = parse(r, "reading the flows");
        if (body instanceof ArrayNode a) {
            return a;
        }
        if (body.get("flows") instanceof ArrayNode flows) {
            return flows;
        }
        throw new NodeRedException(r.statusCode(), "Node-RED at " + base + " answered GET /flows without flows: is "
                + base + " the Node-RED editor's URL?");
    }

    /** Deploys {@code flows} (nodes may carry {@code credentials}) in full; returns Node-RED's new rev. */
    public String deploy(ArrayNode flows) {
        ObjectNode body = JSON.createObjectNode();
        body.set("flows", flows);
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("serializing flows", e);
        }
        HttpResponse<byte[]> r = send(() -> builder("flows").header("Node-RED-Deployment-Type", "full")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)),
                "deploying the flows");
        return parse(r, "deploying the flows").path("rev").asText(null);
    }

    /** The modules Node-RED has loaded, name → version (its own core nodes included). */
    public Map<String, String> loadedModules() {
        HttpResponse<byte[]> r = send(() -> builder("nodes").GET(), "listing the loaded modules");
        Map<String, String> modules = new LinkedHashMap<>();
        for (JsonNode set : parse(r, "listing the loaded modules")) {
            if (set.path("module").isTextual()) {
                modules.put(set.get("module").asText(), set.path("version").asText(""));
            }
        }
        return modules;
    }

    /** Asks Node-RED to install (a no-op when it is on disk already at that version) and load a module. */
    public void loadModule(String name, String version) {
        ObjectNode body = JSON.createObjectNode().put("module", name);
        if (version != null) {
            body.put("version", version);
        }
        send(() -> builder("nodes").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())), "loading module " + name);
    }

    public URI base() {
        return base;
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT)
                .header("Node-RED-API-Version", "v2").header("Accept", "application/json");
        String token = fixedToken != null ? fixedToken : loginToken;
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private interface RequestMaker {
        HttpRequest.Builder make();
    }

    private HttpResponse<byte[]> send(RequestMaker maker, String what) {
        if (fixedToken == null && user != null && loginToken == null) {
            loginToken = login();
        }
        HttpResponse<byte[]> r = exchange(maker.make().build(), what);
        if (r.statusCode() == 401 && fixedToken == null && user != null) {
            loginToken = login(); // expired: Node-RED's tokens last a week by default
            r = exchange(maker.make().build(), what);
        }
        int s = r.statusCode();
        if (s == 401) {
            throw new NodeRedException(s, "Node-RED at " + base + " refused " + what + " (401 Unauthorized): "
                    + (fixedToken == null && user == null ? "its Admin API needs a login: give --node-red-token or --node-red-user"
                    : "the configured token or user was not accepted"));
        }
        if (s == 403) {
            throw new NodeRedException(s, "Node-RED at " + base + " refused " + what
                    + " (403 Forbidden): the configured user lacks the permission");
        }
        if (s / 100 != 2) {
            throw new NodeRedException(s, "Node-RED at " + base + " refused " + what + " (" + s + reason(r) + ")");
        }
        return r;
    }

    private String login() {
        String form = "client_id=node-red-admin&grant_type=password&scope=*&username="
                + URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(password == null ? "" : password, StandardCharsets.UTF_8);
        HttpResponse<byte[]> r = exchange(HttpRequest.newBuilder(base.resolve("auth/token")).timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), "logging in");
        if (r.statusCode() != 200) {
            throw new NodeRedException(r.statusCode(), "Node-RED at " + base + " refused the login of user '" + user
                    + "' (" + r.statusCode() + "): check --node-red-user and --node-red-password");
        }
        JsonNode token = parse(r, "logging in").path("access_token");
        if (!token.isTextual()) {
            throw new NodeRedException(r.statusCode(), "Node-RED at " + base + " answered the login without a token");
        }
        return token.asText();
    }

    private HttpResponse<byte[]> exchange(HttpRequest req, String what) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (ConnectException e) {
            throw new NodeRedException(0, "Node-RED at " + base + " is not reachable (connection refused) while "
                    + what + ": is it running?");
        } catch (HttpTimeoutException e) {
            throw new NodeRedException(0, "Node-RED at " + base + " did not answer within " + TIMEOUT.toSeconds()
                    + " s while " + what);
        } catch (IOException e) {
            throw new NodeRedException(0, "Node-RED at " + base + " could not be reached while " + what + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeRedException(0, "interrupted while " + what);
        }
    }

    private JsonNode parse(HttpResponse<byte[]> r, String what) {
        try {
            JsonNode node = JSON.readTree(r.body());
            if (node != null && !node.isMissingNode()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        throw new NodeRedException(r.statusCode(), "Node-RED at " + base + " did not answer with JSON while " + what
                + ": is " + base + " the Node-RED editor's URL?");
    }

    /** Node-RED's error code and message ({@code {"error":"code","message":"..."}}), cut short, one line. */
    private static String reason(HttpResponse<byte[]> r) {
        try {
            JsonNode body = JSON.readTree(r.body());
            String code = body.path("error").isTextual() ? body.get("error").asText()
                    : body.path("code").asText("");
            String message = body.path("message").asText("");
            String text = (code + (code.isEmpty() || message.isEmpty() ? "" : ": ") + message).replaceAll("\\s+", " ").strip();
            if (text.length() > 160) {
                text = text.substring(0, 160) + "…";
            }
            return text.isEmpty() ? "" : ", " + text;
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
