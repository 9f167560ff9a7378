package dev.flowstage.hooks.nodered;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.hooks.outbound.OutboundHttp;
import dev.flowstage.hooks.outbound.OutboundRefusedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Talks to one running Node-RED through its Admin API: reads the deployed flows ({@code GET /flows}) and
 * deploys flows in full ({@code POST /flows}), both with {@code Node-RED-API-Version: v2} and the
 * instance's Admin API token as a Bearer token when it has one, over {@link OutboundHttp} (so only to
 * addresses the server's outbound policy allows). Every failure is a {@link NodeRedException} whose message
 * names the Node-RED (by URL without credentials) and the cause, and never repeats what Node-RED wrote.
 */
public final class NodeRedClient {
    static final String API_VERSION = "Node-RED-API-Version";
    static final String DEPLOYMENT_TYPE = "Node-RED-Deployment-Type";

    private final OutboundHttp http;
    private final ObjectMapper json;
    private final URI flowsUri;
    private final String shownUrl;
    private final String token;
    private final Duration timeout;

    /**
     * @param baseUrl the URL of Node-RED's admin root (its editor URL), e.g. {@code http://host:1880/}
     * @param token the Admin API token, or null when the Admin API is open
     */
    public NodeRedClient(OutboundHttp http, ObjectMapper json, String baseUrl, String token, Duration timeout) {
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
        ContentResponse r = send(request(HttpMethod.GET), "reading the flows");
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
        Request req = request(HttpMethod.POST).headers(h -> h.put(DEPLOYMENT_TYPE, "full"))
                .body(new BytesRequestContent("application/json", bytes));
        JsonNode answer = parse(send(req, "deploying the flows"), "deploying the flows");
        return answer.path("rev").isTextual() ? answer.get("rev").asText() : null;
    }

    /** The URL shown in messages: the admin root without any user info. */
    public String url() {
        return shownUrl;
    }

    private Request request(HttpMethod method) {
        return http.newRequest(flowsUri, timeout).method(method).headers(h -> {
            h.put(API_VERSION, "v2");
            h.put(HttpHeader.ACCEPT, "application/json");
            if (token != null) {
                h.put(HttpHeader.AUTHORIZATION, "Bearer " + token);
            }
        });
    }

    private ContentResponse send(Request req, String what) {
        ContentResponse r;
        try {
            r = http.send(req);
        } catch (OutboundRefusedException e) {
            throw new NodeRedException(NodeRedException.Reason.NOT_ALLOWED, "Node-RED at " + shownUrl
                    + " was not called while " + what + ": " + e.getMessage());
        } catch (HttpConnectTimeoutException e) {
            throw new NodeRedException(NodeRedException.Reason.TIMEOUT, "Node-RED at " + shownUrl
                    + " did not accept a connection within " + seconds(connectWithin()) + " while " + what);
        } catch (HttpTimeoutException e) {
            throw new NodeRedException(NodeRedException.Reason.TIMEOUT, "Node-RED at " + shownUrl
                    + " did not answer within " + seconds(timeout) + " while " + what);
        } catch (ConnectException e) {
            throw new NodeRedException(NodeRedException.Reason.UNREACHABLE, "Node-RED at " + shownUrl
                    + " is not reachable (connection refused) while " + what + ": is it running?");
        } catch (UnknownHostException e) {
            throw new NodeRedException(NodeRedException.Reason.UNREACHABLE, "Node-RED at " + shownUrl
                    + " is not reachable (unknown host) while " + what + ": is nodeRed.url right?");
        } catch (IOException e) {
            // OutboundHttp's messages and the JDK's say what failed locally, never what the remote sent
            throw new NodeRedException(NodeRedException.Reason.UNREACHABLE, "Node-RED at " + shownUrl
                    + " could not be reached while " + what + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        }
        int status = r.getStatus();
        if (status == 401) {
            throw new NodeRedException(NodeRedException.Reason.UNAUTHORIZED, "Node-RED at " + shownUrl
                    + " refused " + what + " (401 Unauthorized): its Admin API needs a token; "
                    + (token == null ? "the instance has no nodeRed.token" : "the instance's nodeRed.token was not accepted"));
        }
        if (status == 403) {
            throw new NodeRedException(NodeRedException.Reason.FORBIDDEN, "Node-RED at " + shownUrl
                    + " refused " + what + " (403 Forbidden): the instance's nodeRed.token lacks the permission");
        }
        // Node-RED's own error text stays out of messages: they reach API answers, logs and run logs, and
        // the body of whatever answers at nodeRed.url is not ours to repeat (SPEC §11)
        if (status == 400 || status == 409) {
            throw new NodeRedException(NodeRedException.Reason.REJECTED, "Node-RED at " + shownUrl + " refused "
                    + what + " (" + OutboundHttp.describe(status) + ")");
        }
        if (status < 200 || status >= 300) {
            throw new NodeRedException(NodeRedException.Reason.BAD_RESPONSE, "Node-RED at " + shownUrl
                    + " answered " + OutboundHttp.describe(status) + " while " + what);
        }
        return r;
    }

    private JsonNode parse(ContentResponse r, String what) {
        try {
            JsonNode node = json.readTree(r.getContent());
            if (node != null && !node.isMissingNode()) {
                return node;
            }
        } catch (IOException e) {
            // reported below
        }
        String type = Optional.ofNullable(r.getHeaders().get(HttpHeader.CONTENT_TYPE)).map(NodeRedClient::mediaType)
                .orElse("no content type");
        throw new NodeRedException(NodeRedException.Reason.BAD_RESPONSE, "Node-RED at " + shownUrl
                + " did not answer with JSON while " + what + " (" + type + "): is nodeRed.url the Node-RED editor's URL?");
    }

    /** Just the media type, {@code text/html}: a header is the remote's text too, so only a token is shown. */
    private static String mediaType(String contentType) {
        String t = contentType.split(";", 2)[0].strip().toLowerCase(java.util.Locale.ROOT);
        return t.matches("[a-z0-9.+-]{1,40}/[a-z0-9.+-]{1,60}") ? t : "an unknown content type";
    }

    /** The shared client's connect timeout, unless this client's whole timeout is shorter. */
    private Duration connectWithin() {
        return http.connectTimeout().compareTo(timeout) < 0 ? http.connectTimeout() : timeout;
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String withoutUserInfo(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (java.net.URISyntaxException e) {
            return uri.getScheme() + "://" + uri.getHost();
        }
    }
}
