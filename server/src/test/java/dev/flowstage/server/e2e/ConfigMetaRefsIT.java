package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runs, reviews and webhook deliveries live on {@code refs/meta/*} of {@code _config.git}: owners may
 * fetch them, members and viewers see neither the refs nor their objects, over HTTP and SSH alike.
 */
@ExtendWith(FlowstageExtension.class)
class ConfigMetaRefsIT {
    private static TestServer server;
    private static TestUser owner;
    private static TestUser member;
    private static TestUser viewer;
    private static GitCli git;
    private static String runsCommit;

    @BeforeAll
    static void setUp(TestServer s) throws Exception {
        server = s;
        owner = s.newUser("meta-owner");
        member = s.newUser("meta-member");
        viewer = s.newUser("meta-viewer");
        ApiClient admin = s.admin();
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"meta\"}");
        admin.expect(201, "PUT", "/api/v1/teams/meta/members/meta-owner", "{\"role\":\"owner\"}");
        admin.expect(201, "PUT", "/api/v1/teams/meta/members/meta-member", "{\"role\":\"member\"}");
        admin.expect(201, "PUT", "/api/v1/teams/meta/members/meta-viewer", "{\"role\":\"viewer\"}");
        admin.expect(201, "POST", "/api/v1/teams/meta/applications", "{\"name\":\"app\"}");
        admin.expect(201, "POST", "/api/v1/teams/meta/instances", "{\"name\":\"dev\",\"application\":\"app\"}");
        admin.expect(201, "POST", "/api/v1/teams/meta/instances", "{\"name\":\"qa\",\"application\":\"app\"}");
        admin.expect(201, "POST", "/api/v1/teams/meta/pipelines", """
                {"name":"line","application":"app","stages":[
                  {"name":"dev","instance":"dev"},{"name":"qa","instance":"qa"}]}""");
        git = new GitCli(s.workDir().resolve("home-meta"));
        Path dev = s.workDir().resolve("meta-dev");
        git.ok(s.workDir(), "clone", "-q", Transport.HTTP.url(s, owner, "meta", "dev"), dev.toString());
        Files.writeString(dev.resolve("flows.json"), "[]\n");
        git.ok(dev, "add", ".");
        git.ok(dev, "commit", "-q", "-m", "Empty flow");
        git.ok(dev, "push", "-q", "origin", "HEAD:main");
        s.as(owner).expect(202, "POST", "/api/v1/teams/meta/pipelines/line/stages/dev/deploy", "{}");
        // the run is stored on refs/meta/runs as soon as the deploy is accepted
        runsCommit = git.ok(s.workDir(), "--git-dir", s.dataDir().resolve("repos/meta/_config.git").toString(),
                "rev-parse", "refs/meta/runs").trim();
    }

    private static ProcessResult git(Transport t, TestUser user, String... args) {
        return git.run(server.workDir(), t.env(server, user), args);
    }

    @ParameterizedTest
    @EnumSource(value = Transport.class, names = {"HTTP", "SSH"})
    void ownersSeeMetaRefsOthersDoNot(Transport t) throws Exception {
        String ownerRefs = git(t, owner, "ls-remote", t.url(server, owner, "meta", "_config")).stdout();
        assertThat(ownerRefs).contains("refs/meta/runs").contains("refs/heads/main");
        for (TestUser u : new TestUser[] {member, viewer}) {
            String url = t.url(server, u, "meta", "_config");
            ProcessResult refs = git(t, u, "ls-remote", url);
            assertThat(refs.ok()).as(refs.toString()).isTrue();
            assertThat(refs.stdout()).contains("refs/heads/main").doesNotContain("refs/meta/");

            Path clone = server.workDir().resolve("meta-" + t + "-" + u.name());
            git.ok(server.workDir(), t.env(server, u), "clone", "-q", url, clone.toString());
            ProcessResult byName = git.run(clone, t.env(server, u), "fetch", "origin", "refs/meta/runs:refs/x");
            assertThat(byName.ok()).as(byName.toString()).isFalse();
            ProcessResult byId = git.run(clone, t.env(server, u), "fetch", "origin", runsCommit);
            assertThat(byId.ok()).as(byId.toString()).isFalse();
            assertThat(git.run(clone, "cat-file", "-e", runsCommit).ok()).isFalse();
        }
    }
}
