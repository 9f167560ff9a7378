package dev.flowstage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code flowstage healthcheck}: 0 on 200, else 1 with one line; against a server that never answers too. */
class HealthCheckCommandTest {
    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void okIsZeroAndSilentAnythingElseIsOneWithALine() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/healthz", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.createContext("/starting", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            assertEquals(new Run(0, "", ""), run("healthcheck", "--url", base + "/healthz"));
            assertEquals(new Run(1, "", "flowstage healthcheck: unhealthy: " + base + "/starting answered HTTP 503\n"),
                    run("healthcheck", "--url", base + "/starting"));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // connections wait in the backlog: accepted by the kernel, never answered
            String url = "http://127.0.0.1:" + silent.getLocalPort() + "/healthz";
            assertEquals(new Run(1, "", "flowstage healthcheck: unhealthy: " + url + " did not answer within 1 s\n"),
                    run("healthcheck", "--url", url, "--timeout-seconds", "1"));
        }
    }

    @Test
    void aUrlThatIsNoUrlIsSaidSo() {
        assertEquals(new Run(1, "", "flowstage healthcheck: unhealthy: --url is not a URL: 'http://exa mple/'\n"),
                run("healthcheck", "--url", "http://exa mple/"));
    }
}
