package dev.flowstage.hooks.outbound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Resolve, check, connect: a name is looked up once through the resolver seam, every address is checked,
 * and the request goes to the checked address with the name in its Host header; a real HTTP server on
 * 127.0.0.1 answers Jetty's client.
 */
class OutboundHttpTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private final List<String> hostHeaders = new CopyOnWriteArrayList<>();
    private final AtomicInteger lookups = new AtomicInteger();
    private HttpServer server;
    private final List<OutboundHttp> clients = new ArrayList<>();
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
            hostHeaders.add(String.join(" + ", ex.getRequestHeaders().get("Host")));
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
        clients.forEach(OutboundHttp::close);
        server.stop(0);
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private OutboundHttp http(String allow) {
        return http(allow, OutboundHttp.DEFAULT_MAX_ANSWER_BYTES);
    }

    private OutboundHttp http(String allow, int maxAnswerBytes) {
        OutboundHttp http = new OutboundHttp(new OutboundConnector(AddressPolicy.parse(allow), resolver),
                Duration.ofSeconds(2), null, maxAnswerBytes);
        clients.add(http);
        return http;
    }

    private static ContentResponse get(OutboundHttp http, String url) throws IOException {
        return get(http, url, TIMEOUT);
    }

    private static ContentResponse get(OutboundHttp http, String url, Duration timeout) throws IOException {
        return http.send(http.newRequest(URI.create(url), timeout));
    }

    private static ContentResponse post(OutboundHttp http, String url, String body) throws IOException {
        return http.send(http.newRequest(URI.create(url), TIMEOUT).method(HttpMethod.POST)
                .body(new BytesRequestContent(body.getBytes(StandardCharsets.UTF_8))));
    }

    private static InetAddress[] ips(String... literals) {
        return java.util.Arrays.stream(literals).map(l -> IpLiteral.parse(l).orElseThrow()).toArray(InetAddress[]::new);
    }

    @Test
    void aNameIsResolvedOnceCheckedAndConnectedToWithItsHostHeader() throws IOException {
        dns = Map.of("nodered.test", ips("127.0.0.1"));
        ContentResponse r = post(http("127.0.0.1"), "http://nodered.test:" + port() + "/echo", "hello");
        assertEquals(200, r.getStatus());
        assertEquals("hello", r.getContentAsString());
        assertEquals(List.of("nodered.test:" + port()), hostHeaders);
        assertEquals(1, lookups.get(), "looked up once, the connection goes to the checked address");
    }

    @Test
    void aNameResolvingToADisallowedAddressIsRefusedAtConnectTime() {
        dns = Map.of("innocent.example", ips("169.254.169.254"));
        OutboundRefusedException e = assertThrows(OutboundRefusedException.class,
                () -> get(http("0.0.0.0/0"), "http://innocent.example/latest/meta-data/"));
        assertEquals(AddressKind.METADATA, e.kind());
        assertTrue(e.getMessage().startsWith("address 169.254.169.254 (of innocent.example) is not allowed"), e.getMessage());
    }

    @Test
    void oneDisallowedAddressAmongSeveralRefusesTheName() {
        dns = Map.of("mixed.example", ips("127.0.0.1", "10.0.0.7"));
        OutboundRefusedException e = assertThrows(OutboundRefusedException.class,
                () -> get(http("127.0.0.1"), "http://mixed.example:" + port() + "/echo"));
        assertEquals(AddressKind.PRIVATE, e.kind());
        assertEquals(List.of(), hostHeaders, "nothing was sent");
    }

    @Test
    void loopbackIsRefusedUnlessAllowed() throws IOException {
        String local = "http://127.0.0.1:" + port() + "/echo";
        OutboundRefusedException e = assertThrows(OutboundRefusedException.class, () -> get(http(""), local));
        assertEquals(AddressKind.LOOPBACK, e.kind());
        assertEquals(List.of(), hostHeaders);
        assertEquals(200, get(http("127.0.0.0/8"), local).getStatus());
        OutboundRefusedException v6 = assertThrows(OutboundRefusedException.class,
                () -> get(http("127.0.0.1"), "http://[::1]:" + port() + "/echo"));
        assertTrue(v6.getMessage().startsWith("address ::1 is not allowed for outbound calls (loopback)"), v6.getMessage());
        assertEquals(0, lookups.get(), "an IP literal is never looked up");
    }

    @Test
    void redirectsAreReturnedNotFollowed() throws IOException {
        ContentResponse r = get(http("127.0.0.1"), "http://127.0.0.1:" + port() + "/redirect");
        assertEquals(302, r.getStatus());
        assertEquals("302 Found", OutboundHttp.describe(r.getStatus()));
        assertEquals(1, hostHeaders.size());
    }

    @Test
    void chunkedAnswersAreReadWhole() throws IOException {
        ContentResponse r = get(http("127.0.0.1"), "http://127.0.0.1:" + port() + "/chunked");
        assertArrayEquals("first second".getBytes(StandardCharsets.UTF_8), r.getContent());
    }

    @Test
    void chunkedAnswersOverTheLimitAreRefused() {
        IOException e = assertThrows(IOException.class,
                () -> get(http("127.0.0.1", 8), "http://127.0.0.1:" + port() + "/chunked"));
        assertEquals("the answer is larger than 8 bytes", e.getMessage());
    }

    @Test
    void answersOverTheLimitAreRefused() {
        IOException e = assertThrows(IOException.class,
                () -> post(http("127.0.0.1", 4), "http://127.0.0.1:" + port() + "/echo", "too long"));
        assertEquals("the answer is larger than 4 bytes", e.getMessage());
    }

    @Test
    void aSlowAnswerTimesOut() {
        HttpTimeoutException e = assertThrows(HttpTimeoutException.class,
                () -> get(http("127.0.0.1"), "http://127.0.0.1:" + port() + "/slow", Duration.ofMillis(300)));
        assertEquals("no answer within 300 ms", e.getMessage());
    }

    @Test
    void oneClientServesManyCallsEachToACheckedAddress() throws IOException {
        dns = Map.of("nodered.test", ips("127.0.0.1"));
        OutboundHttp http = http("127.0.0.1");
        for (int i = 0; i < 3; i++) {
            assertEquals("call " + i, post(http, "http://nodered.test:" + port() + "/echo", "call " + i).getContentAsString());
        }
        assertTrue(lookups.get() >= 1 && lookups.get() <= 3, "at most one lookup per call: " + lookups.get());
    }

    @Test
    void headerValuesCannotSmuggleHeaders() throws IOException {
        OutboundHttp http = http("127.0.0.1");
        http.send(http.newRequest(URI.create("http://127.0.0.1:" + port() + "/echo"), TIMEOUT)
                .headers(h -> h.put("X-A", "1\r\nHost: evil")));
        assertEquals(List.of("127.0.0.1:" + port()), hostHeaders);
    }

    @Test
    void whatAMisbehavingRemoteSendsNeverReachesTheMessage() throws Exception {
        String secret = "ROOT-PASSWORD-FROM-INTERNAL-SERVICE";
        try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (Socket s = raw.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    in.read(new byte[4096]);
                    out.write(("HTTP/1.1 200 " + secret + "\r\n" + secret + "\r\nContent-Length: x" + secret
                            + "\r\n\r\n" + secret).getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException ignored) {
                    // the client hung up
                }
            });
            answer.start();
            IOException e = assertThrows(IOException.class,
                    () -> get(http("127.0.0.1"), "http://127.0.0.1:" + raw.getLocalPort() + "/"));
            assertTrue(!String.valueOf(e.getMessage()).contains(secret), e.getMessage());
            answer.join(5000);
        }
    }
}
