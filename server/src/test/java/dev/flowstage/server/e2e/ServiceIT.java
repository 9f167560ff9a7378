package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.ServerProcess;
import java.net.ServerSocket;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, running it as a service, with the real jar in its own process: {@code --version} from the
 * jar's manifest, {@code healthcheck} against a running server and a closed port, the request log
 * ({@code --access-log}) after Git, API and webhook-trigger traffic with no secret in it, and the log
 * file ({@code --log-file}) with the start, an audited action and the clean shutdown.
 */
class ServiceIT {
    private static final String ADMIN_PASSWORD = "service-it-admin-pass-5e1b";

    @TempDir
    Path dir;

    @Test
    void everyCommandOfTheJarPrintsTheProjectVersion() {
        String expected = "flowstage " + System.getProperty("flowstage.version", "0.1.0-SNAPSHOT");
        for (List<String> command : List.of(List.<String>of(), List.of("serve"), List.of("admin"),
                List.of("admin", "reset-password"), List.of("admin", "create-user"), List.of("healthcheck"))) {
            for (String option : List.of("--version", "-V")) {
                String[] args = Stream.concat(command.stream(), Stream.of(option)).toArray(String[]::new);
                ProcessResult r = ServerProcess.runJar(Map.of(), args);
                assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r).isZero();
                assertThat(r.stdout().strip()).as(String.join(" ", args)).isEqualTo(expected);
            }
        }
    }

    @Test
    void healthcheckIsZeroForARunningServerAndOneWithALineOtherwise() throws Exception {
        Path data = dir.resolve("data");
        try (ServerProcess server = new ServerProcess(data, dir.resolve("server.log"),
                Map.of("FLOWSTAGE_ADMIN_PASSWORD", ADMIN_PASSWORD))) {
            server.start();
            ProcessResult healthy = ServerProcess.runJar(Map.of(), "healthcheck", "--url", server.httpBase() + "/healthz");
            assertThat(healthy.exitCode()).as(healthy.toString()).isZero();
            assertThat(healthy.output()).isEmpty();
            // the port from the environment, as in the container (FLOWSTAGE_HTTP_PORT)
            ProcessResult byEnv = ServerProcess.runJar(Map.of("FLOWSTAGE_HTTP_PORT", Integer.toString(server.httpPort())),
                    "healthcheck");
            assertThat(byEnv.exitCode()).as(byEnv.toString()).isZero();

            ProcessResult notHealth = ServerProcess.runJar(Map.of(), "healthcheck", "--url", server.httpBase() + "/nope");
            assertThat(notHealth.exitCode()).as(notHealth.toString()).isEqualTo(1);
            assertThat(notHealth.stderr().strip()).isEqualTo("flowstage healthcheck: unhealthy: " + server.httpBase()
                    + "/nope answered HTTP 404");
        }
        int closed = freePort();
        ProcessResult down = ServerProcess.runJar(Map.of(), "healthcheck", "--url", "http://127.0.0.1:" + closed + "/healthz");
        assertThat(down.exitCode()).as(down.toString()).isEqualTo(1);
        assertThat(down.stdout()).isEmpty();
        assertThat(down.stderr().strip()).isEqualTo("flowstage healthcheck: unhealthy: cannot reach http://127.0.0.1:"
                + closed + "/healthz: connection refused (is the server running?)");
        assertThat(down.stderr().strip().lines()).hasSize(1);

        ProcessResult bad = ServerProcess.runJar(Map.of(), "healthcheck", "--url", "ftp://127.0.0.1/healthz");
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.stderr().strip()).isEqualTo(
                "flowstage healthcheck: unhealthy: --url must be an http:// or https:// URL, not 'ftp://127.0.0.1/healthz'");
    }

    @Test
    void requestLogAndLogFileOfARealServer() throws Exception {
        Path data = dir.resolve("data");
        Path logs = dir.resolve("logs");
        Path accessLog = logs.resolve("access.log");
        Path logFile = logs.resolve("flowstage.log");
        String alicePassword = "alice-password-91c2d7";
        String hookSecret;
        String aliceToken;
        try (ServerProcess server = new ServerProcess(data, dir.resolve("console.log"),
                Map.of("FLOWSTAGE_ADMIN_PASSWORD", ADMIN_PASSWORD),
                List.of("--access-log", accessLog.toString(), "--log-file", logFile.toString()))) {
            server.start();
            ApiClient admin = ApiClient.basic(server.httpBase(), "admin", ADMIN_PASSWORD);
            admin.expect(201, "POST", "/api/v1/users", "{\"name\":\"alice\",\"password\":\"" + alicePassword + "\"}");
            ApiClient alice = ApiClient.basic(server.httpBase(), "alice", alicePassword);
            aliceToken = alice.expect(201, "POST", "/api/v1/tokens", "{\"name\":\"laptop\",\"scope\":\"write\"}")
                    .get("token").asText();
            admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"svc\"}");
            admin.expect(201, "POST", "/api/v1/teams/svc/applications", "{\"name\":\"line\"}");
            admin.expect(201, "PUT", "/api/v1/teams/svc/members/alice", "{\"role\":\"member\"}");
            admin.expect(201, "POST", "/api/v1/teams/svc/instances", "{\"name\":\"dev\",\"application\":\"line\"}");
            admin.expect(201, "POST", "/api/v1/teams/svc/pipelines", """
                    {"name":"line-1","application":"line","stages":[{"name":"dev","instance":"dev"}]}""");
            hookSecret = admin.get("/api/v1/teams/svc/pipelines/line-1").json().path("webhook").path("secret").asText();
            assertThat(hookSecret).isNotEmpty();
            admin.expect(200, "POST", "/api/v1/teams/svc/pipelines/line-1/pause", "{}");

            // Git over HTTP with the token in the URL, as the README's quick start does
            GitCli git = new GitCli(dir.resolve("home"));
            git.ok(dir, "clone", "-q", "http://alice:" + aliceToken + "@127.0.0.1:" + server.httpPort()
                    + "/git/svc/dev.git", dir.resolve("clone").toString());
            // an API call with a bearer token, the webhook trigger, a stream ticket in a query
            ApiClient.bearer(server.httpBase(), aliceToken).expect(200, "GET", "/api/v1/teams/svc?limit=5", null);
            ApiClient.anonymous(server.httpBase()).expect(202, "POST",
                    "/api/v1/teams/svc/pipelines/line-1/hooks/" + hookSecret, "{}");
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.httpBase()
                    + "/api/v1/teams/svc/events?ticket=ticket-in-query-5f2a")).build(), HttpResponse.BodyHandlers.discarding());
            // a wrong password: logged with its status, never with what was tried
            assertThat(ApiClient.basic(server.httpBase(), "alice", "wrong-password-77e1").get("/api/v1/user").status())
                    .isEqualTo(401);
        } // a clean stop: SIGTERM, the shutdown hook closes the server

        Path today = logs.resolve("access." + LocalDate.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy_MM_dd"))
                + ".log");
        String access = Files.readString(today);
        List<String> lines = access.lines().toList();
        String ts = "\\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000]";
        assertThat(lines).anyMatch(l -> l.matches("127\\.0\\.0\\.1 - admin " + ts
                + " \"POST /api/v1/teams HTTP/1\\.1\" 201 \\d+ \"-\" \"[^\"]+\" \\d+"));
        assertThat(lines).anyMatch(l -> l.matches("127\\.0\\.0\\.1 - alice " + ts
                + " \"GET /git/svc/dev\\.git/info/refs\\?service=git-upload-pack HTTP/1\\.1\" 200 \\d+ \"-\" \"git/[^\"]+\" \\d+"));
        assertThat(lines).anyMatch(l -> l.matches("127\\.0\\.0\\.1 - alice " + ts
                + " \"POST /git/svc/dev\\.git/git-upload-pack HTTP/1\\.1\" 200 \\d+ \"-\" \"git/[^\"]+\" \\d+"));
        // a clone's ls-refs (answered in front of the servlets) names who asked, like every other request
        assertThat(lines.stream().filter(l -> l.contains("\"POST /git/svc/dev.git/git-upload-pack ")).toList())
                .isNotEmpty().allMatch(l -> l.startsWith("127.0.0.1 - alice "));
        assertThat(lines).anyMatch(l -> l.matches("127\\.0\\.0\\.1 - alice " + ts
                + " \"GET /api/v1/teams/svc\\?limit=5 HTTP/1\\.1\" 200 \\d+ .*"));
        assertThat(lines).anyMatch(l -> l.matches("127\\.0\\.0\\.1 - - " + ts
                + " \"POST /api/v1/teams/svc/pipelines/line-1/hooks/\\*\\*\\* HTTP/1\\.1\" 202 \\d+ .*"));
        assertThat(lines).anyMatch(l -> l.matches("127\\.0\\.0\\.1 - - " + ts
                + " \"GET /api/v1/teams/svc/events\\?ticket=\\*\\*\\* HTTP/1\\.1\" \\d{3} \\d+ .*"));
        assertThat(lines).anyMatch(l -> l.matches("127\\.0\\.0\\.1 - - " + ts
                + " \"GET /api/v1/user HTTP/1\\.1\" 401 \\d+ .*"));
        assertThat(lines).allMatch(l -> l.matches("127\\.0\\.0\\.1 - \\S+ " + ts + " \"[A-Z]+ /\\S* HTTP/1\\.1\" \\d{3}"
                + " \\d+ \"-\" \"[^\"]*\" \\d+"));
        for (String secret : List.of(hookSecret, aliceToken, alicePassword, "wrong-password-77e1", ADMIN_PASSWORD,
                "ticket-in-query-5f2a", "Authorization", "Basic ", "Bearer ")) {
            assertThat(access).as("the request log shows no secret").doesNotContain(secret);
        }

        String log = Files.readString(logFile);
        assertThat(log).containsPattern("INFO .* Flowstage started in \\d+ ms");
        assertThat(log).contains("audit site actor=admin action=team.create target=team/svc");
        assertThat(log).contains("audit site actor=alice action=token.create");
        assertThat(log).contains("Flowstage stopped");
        assertThat(log.strip()).endsWith("Flowstage stopped");
        for (String secret : List.of(hookSecret, aliceToken, alicePassword, "wrong-password-77e1", ADMIN_PASSWORD)) {
            assertThat(log).as("the log file shows no secret").doesNotContain(secret);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
