package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Health and Prometheus metrics of the whole server, after real Git traffic over HTTP and SSH. */
@ExtendWith(FlowstageExtension.class)
class OperationsIT {
    @Test
    void healthzIsOkWithoutCredentials(TestServer server) {
        ApiClient.Response r = server.anonymous().get("/healthz".replace("/api/v1", ""));
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().path("status").asText()).isEqualTo("ok");
    }

    @Test
    void metricsCoverHttpGitJGitAndJvm(TestServer server) throws Exception {
        TestUser u = server.newUser("metrics-user");
        server.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"ops\"}");
        server.admin().expect(201, "POST", "/api/v1/teams/ops/applications", "{\"name\":\"app\"}");
        server.admin().expect(201, "PUT", "/api/v1/teams/ops/members/metrics-user", "{\"role\":\"member\"}");
        server.admin().expect(201, "POST", "/api/v1/teams/ops/instances", "{\"name\":\"dev\",\"application\":\"app\"}");
        GitCli git = new GitCli(server.workDir().resolve("home"));
        Path work = server.workDir().resolve("ops-clone");
        git.ok(server.workDir(), "clone", Transport.HTTP.url(server, u, "ops", "dev"), work.toString());
        Files.writeString(work.resolve("flows.json"), "[]\n");
        git.ok(work, "add", ".");
        git.ok(work, "commit", "-q", "-m", "flows");
        git.ok(work, "push", "-q", "origin", "main");
        git.ok(server.workDir(), "clone", "-q", Transport.HTTP.url(server, u, "ops", "dev"), "http-clone");
        git.ok(server.workDir(), Transport.SSH.env(server, u), "clone", "-q", Transport.SSH.url(server, u, "ops", "dev"),
                "ssh-clone");

        String text = server.anonymous().get("/metrics").body();
        assertThat(text).contains("http_server_requests_seconds_count{area=\"git\"");
        assertThat(text).contains("http_server_requests_seconds_count{area=\"api\"");
        assertThat(text).containsPattern("flowstage_git_upload_seconds_count\\{[^}]*transport=\"http\"");
        assertThat(text).containsPattern("flowstage_git_upload_seconds_count\\{[^}]*transport=\"ssh\"");
        assertThat(text).containsPattern("flowstage_git_receive_seconds_count\\{[^}]*transport=\"http\"");
        assertThat(text).containsPattern("flowstage_git_upload_requests_total\\{[^}]*transport=\"http\"");
        assertThat(text).containsPattern("flowstage_git_upload_requests_total\\{[^}]*transport=\"ssh\"");
        assertThat(text).contains("jgit_windowcache_open_files");
        assertThat(text).contains("jvm_memory_used_bytes");
    }
}
