package dev.flowstage.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.server.config.ConfigException;
import dev.flowstage.server.config.ConfigLoader;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.server.tls.TlsMaterial;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.web.git.GitAuthFilter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request log on a real Jetty: the user a servlet signed in, status, bytes, the dated file name. */
class AccessLogTest {
    @TempDir
    Path data;

    @Test
    void oneLinePerRequestWithTheSignedInUserInTodaysFile() throws Exception {
        Path file = data.resolve("logs/access.log"); // its directory does not exist yet
        ServerConfig config = new ConfigLoader(() -> "h").load(List.of("--data", data.toString(), "--http-port",
                "random", "--https-port", "0", "--access-log", file.toString()), Map.of());
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse rsp) throws IOException {
                if (req.getRequestURI().startsWith("/signed-in")) {
                    req.setAttribute(GitAuthFilter.PRINCIPAL, new UserPrincipal("alice", false, TokenScope.ADMIN));
                }
                rsp.setStatus(req.getRequestURI().endsWith("missing") ? 404 : 200);
                rsp.getWriter().write("12345");
            }
        }), "/*");
        Path today = data.resolve("logs/access." + LocalDate.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy_MM_dd")) + ".log");
        try (JettyLauncher jetty = new JettyLauncher(config, TlsMaterial.forConfig(config), context)) {
            jetty.start();
            HttpClient client = HttpClient.newHttpClient();
            for (String path : List.of("/signed-in/x?limit=3&secret=hunter2", "/anonymous/missing")) {
                client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jetty.httpPort() + path))
                        .header("User-Agent", "access-log-test").build(), HttpResponse.BodyHandlers.discarding());
            }
        }
        // the lines are written before the answer completes; stopping Jetty closed the file
        List<String> lines = Files.readAllLines(today);
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("127\\.0\\.0\\.1 - alice \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000]"
                + " \"GET /signed-in/x\\?limit=3&secret=\\*\\*\\* HTTP/1\\.1\" 200 5 \"-\" \"access-log-test\" \\d+"),
                lines.get(0));
        assertTrue(lines.get(1).matches("127\\.0\\.0\\.1 - - \\[.*] \"GET /anonymous/missing HTTP/1\\.1\" 404 5 \"-\""
                + " \"access-log-test\" \\d+"), lines.get(1));
    }

    @Test
    void theDateGoesBeforeTheExtension() {
        assertEquals(Path.of("/var/log/fs/access.yyyy_mm_dd.log"), AccessLog.dated(Path.of("/var/log/fs/access.log")));
        assertEquals(Path.of("/var/log/fs/access.yyyy_mm_dd"), AccessLog.dated(Path.of("/var/log/fs/access")));
        assertEquals(Path.of("/l/.access.yyyy_mm_dd"), AccessLog.dated(Path.of("/l/.access")));
        assertEquals(Path.of("/l/req-yyyy_mm_dd.txt"), AccessLog.dated(Path.of("/l/req-yyyy_mm_dd.txt")));
    }

    @Test
    void anUnwritableDirectoryIsAClearError() throws Exception {
        Path notADir = Files.writeString(data.resolve("plain-file"), "x");
        ConfigException e = assertThrows(ConfigException.class, () -> new AccessLog(notADir.resolve("access.log"), 14));
        assertTrue(e.getMessage().startsWith("cannot create the directory of the access log " + notADir.resolve("access.log")),
                e.getMessage());
    }
}
