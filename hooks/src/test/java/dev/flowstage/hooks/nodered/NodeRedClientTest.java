package dev.flowstage.hooks.nodered;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.hooks.outbound.OutboundHttp;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Admin API client's requests and its messages for every way a Node-RED can fail to answer. */
class NodeRedClientTest {
    private static final String TOKEN = "secret-admin-token";
    /** The fake listens on 127.0.0.1, which outbound calls reach only when the allow list names it. */
    private final OutboundHttp http = new OutboundHttp(new OutboundConnector(AddressPolicy.parse("127.0.0.1")),
            Duration.ofSeconds(2));
    private FakeNodeRed fake;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeNodeRed();
    }

    @AfterEach
    void stop() {
        fake.close();
        http.close();
    }

    private NodeRedClient client(String token, Duration timeout) {
        return new NodeRedClient(http, NodeRedJson.MAPPER, fake.url(), token, timeout);
    }

    @Test
    void readsFlowsWithApiV2AndBearerToken() {
        fake.handler = (ex, r) -> FakeNodeRed.reply(ex, 200, "application/json",
                "{\"rev\":\"abc\",\"flows\":[{\"id\":\"a\",\"type\":\"tab\",\"x\":1.50}]}");
        NodeRedFlows flows = client(TOKEN, Duration.ofSeconds(5)).flows();
        assertEquals("abc", flows.rev());
        assertEquals("1.50", flows.flows().get(0).get("x").decimalValue().toPlainString(), "numbers kept exact");
        FakeNodeRed.Request r = fake.requests.get(0);
        assertEquals("GET", r.method());
        assertEquals("/flows", r.path());
        assertEquals("v2", r.apiVersion());
        assertEquals("Bearer " + TOKEN, r.authorization());
    }

    @Test
    void deploysInFullWithTheFlowsInAV2Body() {
        fake.handler = (ex, r) -> FakeNodeRed.reply(ex, 200, "application/json", "{\"rev\":\"r2\"}");
        ArrayNode flows = NodeRedJson.MAPPER.createArrayNode();
        flows.addObject().put("id", "a").put("type", "tab");
        assertEquals("r2", client(null, Duration.ofSeconds(5)).deploy(flows));
        FakeNodeRed.Request r = fake.requests.get(0);
        assertEquals("POST", r.method());
        assertEquals("full", r.deploymentType());
        assertEquals("v2", r.apiVersion());
        assertNull(r.authorization(), "no token, no Authorization header");
        assertEquals("{\"flows\":[{\"id\":\"a\",\"type\":\"tab\"}]}", r.body());
    }

    @Test
    void aBaseUrlWithAPathKeepsIt() {
        NodeRedClient c = new NodeRedClient(http, NodeRedJson.MAPPER, fake.url() + "admin", null, Duration.ofSeconds(5));
        c.flows();
        assertEquals("/admin/flows", fake.requests.get(0).path());
    }

    @Test
    void connectionRefusedNamesTheUrl() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        NodeRedClient c = new NodeRedClient(http, NodeRedJson.MAPPER, "http://127.0.0.1:" + port, TOKEN,
                Duration.ofSeconds(5));
        NodeRedException e = assertThrows(NodeRedException.class, c::flows);
        assertEquals(NodeRedException.Reason.UNREACHABLE, e.reason());
        assertEquals("Node-RED at http://127.0.0.1:" + port + "/ is not reachable (connection refused) while reading"
                + " the flows: is it running?", e.getMessage());
    }

    @Test
    void slowAnswerIsATimeout() {
        fake.handler = (ex, r) -> Thread.sleep(3000);
        NodeRedException e = assertThrows(NodeRedException.class, () -> client(null, Duration.ofMillis(300)).flows());
        assertEquals(NodeRedException.Reason.TIMEOUT, e.reason());
        assertTrue(e.getMessage().contains("did not answer within 300 ms"), e.getMessage());
    }

    @Test
    void unauthorizedSaysWhetherATokenWasSentButNeverShowsIt() {
        fake.handler = (ex, r) -> FakeNodeRed.reply(ex, 401, "text/plain", "Unauthorized");
        NodeRedException none = assertThrows(NodeRedException.class, () -> client(null, Duration.ofSeconds(5)).flows());
        assertEquals(NodeRedException.Reason.UNAUTHORIZED, none.reason());
        assertTrue(none.getMessage().contains("the instance has no nodeRed.token"), none.getMessage());
        NodeRedException wrong = assertThrows(NodeRedException.class, () -> client(TOKEN, Duration.ofSeconds(5)).flows());
        assertTrue(wrong.getMessage().contains("nodeRed.token was not accepted"), wrong.getMessage());
        assertFalse(wrong.getMessage().contains(TOKEN));
    }

    @Test
    void forbiddenAndRejectedDeploymentsSayTheStatusButNotNodeRedsText() {
        fake.handler = (ex, r) -> FakeNodeRed.reply(ex, 403, "application/json", "{}");
        NodeRedException forbidden = assertThrows(NodeRedException.class,
                () -> client(TOKEN, Duration.ofSeconds(5)).deploy(NodeRedJson.MAPPER.createArrayNode()));
        assertEquals(NodeRedException.Reason.FORBIDDEN, forbidden.reason());
        fake.handler = (ex, r) -> FakeNodeRed.reply(ex, 400, "application/json",
                "{\"code\":\"invalid_api_version\",\"message\":\"Invalid API Version requested\"}");
        NodeRedException rejected = assertThrows(NodeRedException.class,
                () -> client(TOKEN, Duration.ofSeconds(5)).deploy(NodeRedJson.MAPPER.createArrayNode()));
        assertEquals(NodeRedException.Reason.REJECTED, rejected.reason());
        assertTrue(rejected.getMessage().endsWith("refused deploying the flows (400 Bad Request)"),
                rejected.getMessage());
        assertFalse(rejected.getMessage().contains("Invalid API Version"), rejected.getMessage());
    }

    @Test
    void nonJsonAndWrongShapesAreBadResponses() {
        fake.handler = (ex, r) -> FakeNodeRed.reply(ex, 200, "text/html", "<html>login</html>");
        NodeRedException html = assertThrows(NodeRedException.class, () -> client(null, Duration.ofSeconds(5)).flows());
        assertEquals(NodeRedException.Reason.BAD_RESPONSE, html.reason());
        assertTrue(html.getMessage().contains("did not answer with JSON") && html.getMessage().contains("text/html"),
                html.getMessage());
        fake.handler = (ex, r) -> FakeNodeRed.reply(ex, 200, "application/json", "{\"rev\":\"1\"}");
        NodeRedException shape = assertThrows(NodeRedException.class, () -> client(null, Duration.ofSeconds(5)).flows());
        assertTrue(shape.getMessage().contains("without a \"flows\" array"), shape.getMessage());
        fake.handler = (ex, r) -> FakeNodeRed.reply(ex, 500, "text/plain", "boom");
        NodeRedException server = assertThrows(NodeRedException.class, () -> client(null, Duration.ofSeconds(5)).flows());
        assertTrue(server.getMessage().endsWith("answered 500 Internal Server Error while reading the flows"),
                server.getMessage());
    }

    @Test
    void userInfoInTheUrlIsNeverShown() {
        NodeRedClient c = new NodeRedClient(http, NodeRedJson.MAPPER,
                fake.url().replace("http://", "http://admin:pw@"), null, Duration.ofSeconds(5));
        assertEquals(fake.url(), c.url());
    }

    @Test
    void theRemotesBodyNeverReachesAMessage() {
        String secretish = "ROOT-PASSWORD-FROM-INTERNAL-SERVICE";
        for (int status : new int[] {200, 400, 409, 500, 503}) {
            fake.handler = (ex, r) -> FakeNodeRed.reply(ex, status, "text/html; charset=" + secretish,
                    "<html>" + secretish + "</html>");
            NodeRedException e = assertThrows(NodeRedException.class, () -> client(null, Duration.ofSeconds(5)).flows());
            assertFalse(e.getMessage().contains(secretish), e.getMessage());
            NodeRedException d = assertThrows(NodeRedException.class,
                    () -> client(null, Duration.ofSeconds(5)).deploy(NodeRedJson.MAPPER.createArrayNode()));
            assertFalse(d.getMessage().contains(secretish), d.getMessage());
        }
    }

    @Test
    void aDisallowedAddressIsNeverCalled() {
        OutboundHttp publicOnly = new OutboundHttp(new OutboundConnector(AddressPolicy.PUBLIC_ONLY), Duration.ofSeconds(2));
        NodeRedException e = assertThrows(NodeRedException.class,
                () -> new NodeRedClient(publicOnly, NodeRedJson.MAPPER, fake.url(), TOKEN, Duration.ofSeconds(5)).flows());
        assertEquals(NodeRedException.Reason.NOT_ALLOWED, e.reason());
        assertEquals("Node-RED at " + fake.url() + " was not called while reading the flows: address 127.0.0.1 is not"
                + " allowed for outbound calls (loopback); allow it with --outbound-allow", e.getMessage());
        assertTrue(fake.requests.isEmpty(), "nothing reached the fake");
        NodeRedException metadata = assertThrows(NodeRedException.class, () -> new NodeRedClient(
                new OutboundHttp(new OutboundConnector(AddressPolicy.parse("0.0.0.0/0")), Duration.ofSeconds(2)),
                NodeRedJson.MAPPER, "http://169.254.169.254/latest/", null, Duration.ofSeconds(5)).flows());
        assertEquals(NodeRedException.Reason.NOT_ALLOWED, metadata.reason());
        assertTrue(metadata.getMessage().contains("address 169.254.169.254 is not allowed for outbound calls (cloud"
                + " metadata)"), metadata.getMessage());
    }
}
