package dev.flowstage.server.crash;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.ServerProcess;
import dev.flowstage.server.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One server process (the real jar) that a crash campaign kills with SIGKILL and starts again on the
 * same data directory, plus what scenarios need to drive it: the API as admin, the git CLI, and a
 * record of failures the live server answered (as opposed to those the kill caused).
 */
final class CrashRig implements AutoCloseable {
    static final String TEAM = "acme";
    private static final String RECOVERED = "pipeline runs recovered in";

    final Path tmp;
    final Path data;
    final Path log;
    final GitCli git;
    final ApiClient admin;
    private final ServerProcess server;
    private final List<String> anomalies = Collections.synchronizedList(new ArrayList<>());
    private int starts;
    /** System.nanoTime() of the last kill; 0 while the server is up. */
    private volatile long killedAt;

    CrashRig(Path tmp, List<String> serverArgs) throws IOException {
        this.tmp = tmp;
        this.data = Files.createDirectories(tmp.resolve("data"));
        this.log = tmp.resolve("server.log");
        this.git = new GitCli(tmp.resolve("home"));
        this.server = new ServerProcess(data, log, serverArgs);
        this.admin = ApiClient.basic("http://127.0.0.1:" + server.httpPort(), "admin", TestServer.ADMIN_PASSWORD);
    }

    void start() throws Exception {
        server.start();
        starts++;
        killedAt = 0;
    }

    void kill() throws InterruptedException {
        killedAt = System.nanoTime();
        server.kill9();
    }

    boolean killed() {
        return killedAt != 0;
    }

    /**
     * Waits until this start's recovery of pipeline runs has finished (the server logs it once per
     * start), so what the checks read is what recovery left.
     */
    void awaitRecovery() throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            String text = Files.readString(log);
            int seen = 0;
            for (int i = text.indexOf(RECOVERED); i >= 0; i = text.indexOf(RECOVERED, i + 1)) {
                seen++;
            }
            if (seen >= starts) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("run recovery did not finish within 120 s after start " + starts);
    }

    /**
     * Records a failure seen at {@code answeredAt} (nanoTime). It counts only when the server was
     * still alive then: failures caused by the kill itself are expected.
     */
    void anomaly(long answeredAt, String what) {
        long k = killedAt;
        if (k == 0 || answeredAt - k < 0) {
            anomalies.add(what);
        }
    }

    /** Failures answered by the live server since the last call, cleared. */
    List<String> takeAnomalies() {
        synchronized (anomalies) {
            List<String> copy = new ArrayList<>(anomalies);
            anomalies.clear();
            return copy;
        }
    }

    /**
     * An API call as admin that may be cut by the kill: null when no answer came. An answer other
     * than {@code expected} from the live server is recorded as an anomaly.
     */
    ApiClient.Response call(int expected, String method, String path, String body) {
        try {
            ApiClient.Response r = admin.send(method, path, body);
            if (r.status() != expected) {
                anomaly(System.nanoTime(), method + " " + path + " answered " + r);
            }
            return r;
        } catch (UncheckedIOException | IllegalStateException noAnswer) {
            anomaly(System.nanoTime(), method + " " + path + " got no answer from a live server: " + noAnswer);
            return null;
        }
    }

    /** Every item of a paginated list. */
    List<JsonNode> listAll(String path) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            String sep = path.contains("?") ? "&" : "?";
            String url = path + sep + "limit=100" + (cursor == null ? ""
                    : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode page = admin.expect(200, "GET", url, null).json();
            page.path("items").forEach(items::add);
            cursor = page.path("next").isTextual() ? page.path("next").asText() : null;
        } while (cursor != null);
        return items;
    }

    String httpBase() {
        return server.httpBase();
    }

    String gitUrl(String target) {
        return "http://admin:" + TestServer.ADMIN_PASSWORD + "@127.0.0.1:" + server.httpPort() + "/git/" + TEAM
                + "/" + target + ".git";
    }

    Path repo(String target) {
        return data.resolve("repos").resolve(TEAM).resolve(target + ".git");
    }

    /** The last lines of the server's log, for failure messages. */
    String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
