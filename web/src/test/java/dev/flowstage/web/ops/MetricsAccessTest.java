package dev.flowstage.web.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.ForwardedRequestCustomizer;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Who may scrape {@code /metrics}: loopback only without a token, the token from everyone with one.
 * A remote peer is simulated with {@code X-Forwarded-For}, which only this test's connector honours.
 */
class MetricsAccessTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Server server;
    private String base;

    private void start(Optional<String> token) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("flowstage_test_total").increment();
        server = new Server();
        HttpConfiguration config = new HttpConfiguration();
        config.addCustomizer(new ForwardedRequestCustomizer());
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(config));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new MetricsServlet(registry, token)), "/metrics");
        server.setHandler(context);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort() + "/metrics";
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private HttpResponse<String> scrape(String forwardedFor, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base));
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutATokenOnlyLoopbackScrapes() throws Exception {
        start(Optional.empty());
        HttpResponse<String> local = scrape(null, null);
        assertEquals(200, local.statusCode());
        assertTrue(local.body().contains("flowstage_test_total"), local.body());
        assertEquals(200, scrape("::1", null).statusCode());

        for (String remote : new String[] {"203.0.113.9", "10.0.0.7", "[2001:db8::1]"}) {
            HttpResponse<String> r = scrape(remote, null);
            assertEquals(403, r.statusCode(), remote);
            // the server refuses --metrics-token as a flag, so the advice names where the token can go
            assertTrue(r.body().contains("set FLOWSTAGE_METRICS_TOKEN (or metrics-token= in DATA/flowstage.properties)"),
                    r.body());
            assertTrue(!r.body().contains("--metrics-token"), r.body());
            assertTrue(!r.body().contains("flowstage_test_total"), r.body());
        }
    }

    @Test
    void withATokenEveryoneMustSendIt() throws Exception {
        start(Optional.of("scrape-token-0123456789"));
        for (String from : new String[] {null, "203.0.113.9"}) {
            HttpResponse<String> none = scrape(from, null);
            assertEquals(401, none.statusCode());
            assertEquals("Bearer realm=\"metrics\"", none.headers().firstValue("WWW-Authenticate").orElse(null));
            assertEquals(401, scrape(from, "Bearer wrong-token").statusCode());
            assertEquals(401, scrape(from, "Basic c2NyYXBlLXRva2VuLTAxMjM0NTY3ODk=").statusCode());
            HttpResponse<String> ok = scrape(from, "Bearer scrape-token-0123456789");
            assertEquals(200, ok.statusCode());
            assertTrue(ok.body().contains("flowstage_test_total"), ok.body());
        }
    }
}
