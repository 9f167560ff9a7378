package dev.flowstage.hooks.outbound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resolve, check, connect: a name is looked up once through the resolver seam, every address is checked,
 * and the request goes to the checked address with the name in its Host header; a real HTTP server on
 * 127.0.0.1 answers.
 */
class OutboundHttpTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final List<String> hostHeaders = new CopyOnWriteArrayList<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private HttpServer server;
    private volatile Map<String, InetAddress[]> dns = Map.of();
    private final HostResolver resolver = host -> {
        lookups.incrementAndGet();
        InetAddress[] a = dns.get(host);
        if (a == null) { // literals resolve to themselves, names not in the table do not resolve
            return new InetAddress[] {IpLiteral.parse(host).orElseThrow(() -> new UnknownHostException(host))};
        }
        return a;
    };

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", ex -> {
            hostHeaders.add(ex.getRequestHeaders().getFirst("Host"));
            byte[] in = ex.getRequestBody().readAllBytes();
            switch (ex.getRequestURI().getPath()) {
                case "/echo" -> {
                    ex.sendResponseHeaders(200, in.length == 0 ? -1 : in.length);
                    ex.getResponseBody().write(in);
                }
                case "/chunked" -> {
                    ex.sendResponseHeaders(200, 0); // 0: chunked
                    ex.getResponseBody().write("first ".getBytes(StandardCharsets.UTF_8));
                    ex.getResponseBody().flush();
                    ex.getResponseBody().write("second".getBytes(StandardCharsets.UTF_8));
                }
                case "/redirect" -> {
                    ex.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
                    ex.sendResponseHeaders(302, -1);
                }
                case "/slow" -> {
                    try {
                        Thread.sleep(2000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    ex.sendResponseHeaders(204, -1);
                }
                default -> ex.sendResponseHeaders(404, -1);
            }
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private OutboundHttp http(String allow) {
        return new OutboundHttp(new OutboundConnector(AddressPolicy.parse(allow), resolver), Duration.ofSeconds(2));
    }

    private static InetAddress[] ips(String... literals) {
        return java.util.Arrays.stream(literals).map(l -> IpLiteral.parse(l).orElseThrow()).toArray(InetAddress[]::new);
    }

    @Test
    void aNameIsResolvedOnceCheckedAndConnectedToWithItsHostHeader() throws IOException {
        dns = Map.of("nodered.test", ips("127.0.0.1"));
        OutboundResponse r = http("127.0.0.1").send(OutboundRequest.post(
                URI.create("http://nodered.test:" + port() + "/echo"), "hello".getBytes(StandardCharsets.UTF_8), TIMEOUT));
        assertEquals(200, r.status());
        assertEquals("hello", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(List.of("nodered.test:" + port()), hostHeaders);
        assertEquals(1, lookups.get(), "looked up once, the connection goes to the checked address");
    }

    @Test
    void aNameResolvingToADisallowedAddressIsRefusedAtConnectTime() {
        dns = Map.of("innocent.example", ips("169.254.169.254"));
        OutboundRefusedException e = assertThrows(OutboundRefusedException.class, () -> http("0.0.0.0/0").send(
                OutboundRequest.get(URI.create("http://innocent.example/latest/meta-data/"), TIMEOUT)));
        assertEquals(AddressKind.METADATA, e.kind());
        assertTrue(e.getMessage().startsWith("address 169.254.169.254 (of innocent.example) is not allowed"), e.getMessage());
    }

    @Test
    void oneDisallowedAddressAmongSeveralRefusesTheName() {
        dns = Map.of("mixed.example", ips("127.0.0.1", "10.0.0.7"));
        OutboundRefusedException e = assertThrows(OutboundRefusedException.class, () -> http("127.0.0.1").send(
                OutboundRequest.get(URI.create("http://mixed.example:" + port() + "/echo"), TIMEOUT)));
        assertEquals(AddressKind.PRIVATE, e.kind());
        assertEquals(List.of(), hostHeaders, "nothing was sent");
    }

    @Test
    void loopbackIsRefusedUnlessAllowed() throws IOException {
        URI local = URI.create("http://127.0.0.1:" + port() + "/echo");
        OutboundRefusedException e = assertThrows(OutboundRefusedException.class,
                () -> http("").send(OutboundRequest.get(local, TIMEOUT)));
        assertEquals(AddressKind.LOOPBACK, e.kind());
        assertEquals(List.of(), hostHeaders);
        assertEquals(200, http("127.0.0.0/8").send(OutboundRequest.get(local, TIMEOUT)).status());
    }

    @Test
    void redirectsAreReturnedNotFollowed() throws IOException {
        OutboundResponse r = http("127.0.0.1").send(OutboundRequest.get(
                URI.create("http://127.0.0.1:" + port() + "/redirect"), TIMEOUT));
        assertEquals(302, r.status());
        assertEquals("302 Found", r.describe());
        assertEquals(1, hostHeaders.size());
    }

    @Test
    void chunkedAnswersAreReadWhole() throws IOException {
        OutboundResponse r = http("127.0.0.1").send(OutboundRequest.get(
                URI.create("http://127.0.0.1:" + port() + "/chunked"), TIMEOUT));
        assertArrayEquals("first second".getBytes(StandardCharsets.UTF_8), r.body());
    }

    @Test
    void answersOverTheLimitAreRefused() {
        OutboundHttp small = new OutboundHttp(new OutboundConnector(AddressPolicy.parse("127.0.0.1"), resolver),
                Duration.ofSeconds(2), OutboundHttpTestTls.defaultContext(), 4);
        IOException e = assertThrows(IOException.class, () -> small.send(OutboundRequest.post(
                URI.create("http://127.0.0.1:" + port() + "/echo"), "too long".getBytes(StandardCharsets.UTF_8), TIMEOUT)));
        assertEquals("the answer is larger than 4 bytes", e.getMessage());
    }

    @Test
    void aSlowAnswerTimesOut() {
        assertThrows(HttpTimeoutException.class, () -> http("127.0.0.1").send(OutboundRequest.get(
                URI.create("http://127.0.0.1:" + port() + "/slow"), Duration.ofMillis(300))));
    }

    @Test
    void headerValuesCannotSmuggleHeaders() {
        OutboundRequest r = OutboundRequest.get(URI.create("http://example.com/"), TIMEOUT);
        assertThrows(IllegalArgumentException.class, () -> r.header("X-A", "1\r\nHost: evil"));
    }
}
