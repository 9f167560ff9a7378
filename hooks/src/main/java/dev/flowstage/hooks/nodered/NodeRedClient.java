package dev.flowstage.hooks.nodered;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;

/**
 * Talks to one running Node-RED through its Admin API: reads the deployed flows ({@code GET /flows}) and
 * deploys flows in full ({@code POST /flows}), both with {@code Node-RED-API-Version: v2} and the
 * instance's Admin API token as a Bearer token when it has one. Every failure is a
 * {@link NodeRedException} whose message names the Node-RED (by URL without credentials) and the cause.
 */
public final class NodeRedClient {
    static final String API_VERSION = "Node-RED-API-Version";
    static final String DEPLOYMENT_TYPE = "Node-RED-Deployment-Type";

    private final HttpClient http;
    private final ObjectMapper json;
    private final URI flowsUri;
    private final String shownUrl;
    private final String token;
    private final Duration timeout;

    /**
     * @param baseUrl the URL of Node-RED's admin root (its editor URL), e.g. {@code http://host:1880/}
     * @param token the Admin API token, or null when the Admin API is open
     */
    public NodeRedClient(HttpClient http, ObjectMapper json, String baseUrl, String token, Duration timeout) {
        this.http = http;
        this.json = json;
        URI base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.flowsUri = base.resolve("flows");
        this.shownUrl = withoutUserInfo(base);
        this.token = token;
        this.timeout = timeout;
    }

    /** The deployed flows. */
    public NodeRedFlows flows() {
        HttpResponse<byte[]> r = send(request().GET().build(), "reading the flows");
        JsonNode body = parse(r, "reading the flows");
        if (body instanceof ArrayNode array) {
            return new NodeRedFlows(null, array); // an API v1 answer: just the array
        }
        if (body instanceof ObjectNode o && o.get("flows") instanceof ArrayNode flows) {
            return new NodeRedFlows(o.path("rev").isTextual() ? o.get("rev").asText() : null, flows);
        }
        throw new NodeRedException(NodeRedException.Reason.BAD_RESPONSE, "Node-RED at " + shownUrl
                + " answered GET /flows without a \"flows\" array: is nodeRed.url the Node-RED editor's URL?");
    }

    /** Deploys {@code flows} (nodes may carry a {@code credentials} object) as a full deployment; returns the new rev. */
    public String deploy(ArrayNode flows) {
        ObjectNode body = json.createObjectNode();
        body.set("flows", flows);
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serializing flows", e);
        }
        HttpRequest req = request().header(DEPLOYMENT_TYPE, "full").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        JsonNode answer = parse(send(req, "deploying the flows"), "deploying the flows");
        return answer.path("rev").isTextual() ? answer.get("rev").asText() : null;
    }

    /** The URL shown in messages: the admin root without any user info. */
    public String url() {
        return shownUrl;
    }

    private HttpRequest.Builder request() {
        HttpRequest.Builder b = HttpRequest.newBuilder(flowsUri).timeout(timeout)
                .header(API_VERSION, "v2").header("Accept", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<byte[]> send(HttpRequest req, String what) {
        HttpResponse<byte[]> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException e) {
            throw new NodeRedException(NodeRedException.Reason.TIMEOUT, "Node-RED at " + shownUrl
                    + " did not accept a connection within " + seconds() + " while " + what);
        } catch (HttpTimeoutException e) {
            throw new NodeRedException(NodeRedException.Reason.TIMEOUT, "Node-RED at " + shownUrl
                    + " did not answer within " + seconds() + " while " + what);
        } catch (ConnectException e) {
            throw new NodeRedException(NodeRedException.Reason.UNREACHABLE, "Node-RED at " + shownUrl
                    + " is not reachable (connection refused) while " + what + ": is it running?");
        } catch (IOException e) {
            throw unreachable(e, what);
        } catch (UnresolvedAddressException e) {
            throw new NodeRedException(NodeRedException.Reason.UNREACHABLE, "Node-RED at " + shownUrl
                    + " is not reachable: unknown host");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NodeRedException(NodeRedException.Reason.TIMEOUT, "interrupted while " + what
                    + " at Node-RED " + shownUrl);
        }
        int status = r.statusCode();
        if (status == 401) {
            throw new NodeRedException(NodeRedException.Reason.UNAUTHORIZED, "Node-RED at " + shownUrl
                    + " refused " + what + " (401 Unauthorized): its Admin API needs a token; "
                    + (token == null ? "the instance has no nodeRed.token" : "the instance's nodeRed.token was not accepted"));
        }
        if (status == 403) {
            throw new NodeRedException(NodeRedException.Reason.FORBIDDEN, "Node-RED at " + shownUrl
                    + " refused " + what + " (403 Forbidden): the instance's nodeRed.token lacks the permission");
        }
        if (status == 400 || status == 409) {
            throw new NodeRedException(NodeRedException.Reason.REJECTED, "Node-RED at " + shownUrl + " refused "
                    + what + " (" + status + "): " + errorText(r.body()));
        }
        if (status < 200 || status >= 300) {
            throw new NodeRedException(NodeRedException.Reason.BAD_RESPONSE, "Node-RED at " + shownUrl
                    + " answered HTTP " + status + " while " + what + ": " + errorText(r.body()));
        }
        return r;
    }

    private NodeRedException unreachable(IOException e, String what) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnresolvedAddressException
                    || t instanceof UnknownHostException) {
                return new NodeRedException(NodeRedException.Reason.UNREACHABLE, "Node-RED at " + shownUrl
                        + " is not reachable (" + (t instanceof ConnectException ? "connection refused"
                        : "unknown host") + ") while " + what + ": is it running?");
            }
        }
        return new NodeRedException(NodeRedException.Reason.UNREACHABLE, "Node-RED at " + shownUrl
                + " could not be reached while " + what + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }

    private JsonNode parse(HttpResponse<byte[]> r, String what) {
        try {
            JsonNode node = json.readTree(r.body());
            if (node != null && !node.isMissingNode()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        String type = r.headers().firstValue("Content-Type").orElse("no content type");
        throw new NodeRedException(NodeRedException.Reason.BAD_RESPONSE, "Node-RED at " + shownUrl
                + " did not answer with JSON while " + what + " (" + type + "): is nodeRed.url the Node-RED editor's URL?");
    }

    /** Node-RED's own error text ({"code","message"}) or the start of the body. */
    private String errorText(byte[] body) {
        try {
            JsonNode n = json.readTree(body);
            if (n != null && n.path("message").isTextual()) {
                String code = n.path("code").isTextual() ? n.get("code").asText() + ": " : "";
                return code + n.get("message").asText();
            }
        } catch (IOException e) {
            // not JSON: show the text
        }
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
        return text.isEmpty() ? "(empty answer)" : text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private String seconds() {
        return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }

    private static String withoutUserInfo(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (java.net.URISyntaxException e) {
            return uri.getScheme() + "://" + uri.getHost();
        }
    }
}
