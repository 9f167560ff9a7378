package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A member proposes a change to a protected instance over SSH with {@code refs/for/main}; the
 * direct push is refused, the review is listed, a member cannot approve, an owner's approval
 * moves main to the candidate.
 */
@ExtendWith(FlowstageExtension.class)
class ReviewFlowIT {
    @Test
    void protectedInstanceChangesOnlyThroughAnApprovedReview(TestServer server) throws Exception {
        TestUser alice = server.newUser("alice");
        ApiClient admin = server.admin();
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"plant\"}");
        admin.expect(201, "POST", "/api/v1/teams/plant/applications", "{\"name\":\"line\"}");
        admin.expect(201, "PUT", "/api/v1/teams/plant/members/alice", "{\"role\":\"member\"}");
        admin.expect(201, "POST", "/api/v1/teams/plant/instances",
                "{\"name\":\"prod\",\"application\":\"line\",\"protected\":true}");

        GitCli git = new GitCli(server.workDir().resolve("home"));
        Map<String, String> ssh = Transport.SSH.env(server, alice);
        String url = Transport.SSH.url(server, alice, "plant", "prod");
        Path work = server.workDir().resolve("prod");
        git.ok(server.workDir(), ssh, "clone", url, work.toString());
        Files.writeString(work.resolve("flows.json"),
                "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Line\"},{\"id\":\"n1\",\"type\":\"inject\",\"z\":\"t1\"}]\n");
        git.ok(work, "add", "flows.json");
        git.ok(work, "commit", "-q", "-m", "Add the line's inject");
        String candidate = git.ok(work, "rev-parse", "HEAD").trim();

        ProcessResult direct = git.run(work, ssh, "push", "origin", "HEAD:main");
        assertThat(direct.ok()).isFalse();
        assertThat(direct.stderr()).contains("protected instance 'prod'");

        ProcessResult propose = git.run(work, ssh, "push", "origin", "HEAD:refs/for/main");
        assertThat(propose.ok()).as(propose.toString()).isTrue();
        assertThat(propose.stderr()).contains("review").contains("opened");

        JsonNode open = admin.get("/api/v1/teams/plant/reviews?state=open").json().path("items");
        assertThat(open.size()).isEqualTo(1);
        long id = open.get(0).path("id").asLong();
        assertThat(open.get(0).path("candidate").asText()).isEqualTo(candidate);

        assertThat(server.as(alice).post("/api/v1/teams/plant/reviews/" + id + "/approve", "{}").status()).isEqualTo(403);
        assertThat(git.ok(server.workDir(), ssh, "ls-remote", url, "refs/heads/main")).isEmpty();

        admin.expect(200, "POST", "/api/v1/teams/plant/reviews/" + id + "/approve", "{}");
        assertThat(git.ok(server.workDir(), ssh, "ls-remote", url, "refs/heads/main")).startsWith(candidate);
        assertThat(admin.get("/api/v1/teams/plant/reviews/" + id).json().path("state").asText()).isEqualTo("merged");
    }
}
