package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The stock git client against the whole server: written once, run per transport and protocol version. */
@ExtendWith(FlowstageExtension.class)
class GitTransportIT {
    private static final String TEAM = "acme";
    private static TestServer server;
    private static TestUser alice;
    private static TestUser bob;
    private static TestUser carol;
    private static GitCli git;

    @BeforeAll
    static void setUp(TestServer s) {
        server = s;
        alice = s.newUser("alice");
        bob = s.newUser("bob");
        carol = s.newUser("carol");
        s.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"" + TEAM + "\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/applications", "{\"name\":\"line\"}");
        s.admin().expect(201, "PUT", "/api/v1/teams/" + TEAM + "/members/alice", "{\"role\":\"member\"}");
        s.admin().expect(201, "PUT", "/api/v1/teams/" + TEAM + "/members/bob", "{\"role\":\"viewer\"}");
        git = new GitCli(s.workDir().resolve("git-home"));
    }

    static Stream<Arguments> transports() {
        return Stream.of(Transport.values()).flatMap(t -> Stream.of(Arguments.of(t, 0), Arguments.of(t, 2)));
    }

    private static String newInstance(Transport t, int version, String what) {
        String name = what + "-" + t.name().toLowerCase() + "-v" + version;
        server.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/instances",
                "{\"name\":\"" + name + "\",\"application\":\"line\"}");
        return name;
    }

    private static Map<String, String> env(Transport t, TestUser u, int version) {
        Map<String, String> env = new HashMap<>(t.env(server, u));
        env.put("GIT_CONFIG_COUNT", "1");
        env.put("GIT_CONFIG_KEY_0", "protocol.version");
        env.put("GIT_CONFIG_VALUE_0", Integer.toString(version));
        return env;
    }

    private static Path workTree(String name) throws Exception {
        return Files.createDirectories(server.workDir().resolve("trees").resolve(name));
    }

    @ParameterizedTest(name = "{0} protocol v{1}")
    @MethodSource("transports")
    void cloneCommitPushAndFetch(Transport t, int version) throws Exception {
        String name = newInstance(t, version, "flow");
        Map<String, String> env = env(t, alice, version);
        Path trees = workTree(name);

        git.ok(trees, env, "clone", t.url(server, alice, TEAM, name), "one");
        Path one = trees.resolve("one");
        Files.writeString(one.resolve("flows.json"), "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Flow 1\"}]\n");
        git.ok(one, "add", "flows.json");
        git.ok(one, "commit", "-q", "-m", "First flow");
        git.ok(one, env, "push", "origin", "main");

        git.ok(trees, env, "clone", t.url(server, alice, TEAM, name), "two");
        assertThat(trees.resolve("two/flows.json")).hasSameTextualContentAs(one.resolve("flows.json"));

        Files.writeString(one.resolve("flows.json"),
                "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Flow 1\"},{\"id\":\"n1\",\"type\":\"inject\",\"z\":\"t1\"}]\n");
        git.ok(one, "commit", "-q", "-am", "Add an inject node");
        git.ok(one, env, "push", "origin", "main");
        String head = git.ok(one, "rev-parse", "HEAD").trim();

        git.ok(trees.resolve("two"), env, "fetch", "origin");
        assertThat(git.ok(trees.resolve("two"), "rev-parse", "origin/main").trim()).isEqualTo(head);

        Map<String, String> traced = new HashMap<>(env);
        traced.put("GIT_TRACE_PACKET", "1");
        ProcessResult lsRemote = git.run(trees, traced, "ls-remote", t.url(server, alice, TEAM, name), "refs/heads/main");
        assertThat(lsRemote.ok()).as(lsRemote.toString()).isTrue();
        assertThat(lsRemote.stdout()).contains(head + "\trefs/heads/main");
        if (version == 2) {
            assertThat(lsRemote.stderr()).contains("version 2");
        } else {
            assertThat(lsRemote.stderr()).doesNotContain("version 2");
        }
    }

    /** Issue 12: git learns the server's branch from ls-refs' unborn HEAD, whatever its init.defaultBranch says. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Transport.class)
    void cloneOfAnEmptyRepositoryChecksOutMainAndAPlainPushWorks(Transport t) throws Exception {
        String name = newInstance(t, 2, "empty");
        Map<String, String> env = env(t, alice, 2);
        Path trees = workTree(name);

        String clone = git.ok(trees, env, "-c", "init.defaultBranch=master", "clone", t.url(server, alice, TEAM, name), "c");
        Path c = trees.resolve("c");
        assertThat(git.ok(c, "symbolic-ref", "HEAD").trim()).as(clone).isEqualTo("refs/heads/main");

        Files.writeString(c.resolve("flows.json"), "[]\n");
        git.ok(c, "add", "flows.json");
        git.ok(c, "commit", "-q", "-m", "First flow");
        git.ok(c, env, "-c", "push.default=simple", "push");
        String head = git.ok(c, "rev-parse", "HEAD").trim();
        assertThat(git.ok(trees, env, "ls-remote", t.url(server, alice, TEAM, name)))
                .contains(head + "\tHEAD").contains(head + "\trefs/heads/main");
    }

    @ParameterizedTest(name = "{0} protocol v{1}")
    @MethodSource("transports")
    void viewerFetchesButCannotPush(Transport t, int version) throws Exception {
        String name = newInstance(t, version, "viewer");
        Path trees = workTree(name);
        git.ok(trees, env(t, alice, version), "clone", t.url(server, alice, TEAM, name), "a");
        Files.writeString(trees.resolve("a/flows.json"), "[]\n");
        git.ok(trees.resolve("a"), "add", "flows.json");
        git.ok(trees.resolve("a"), "commit", "-q", "-m", "Empty flows");
        git.ok(trees.resolve("a"), env(t, alice, version), "push", "origin", "main");

        Map<String, String> bobEnv = env(t, bob, version);
        git.ok(trees, bobEnv, "clone", t.url(server, bob, TEAM, name), "b");
        Path b = trees.resolve("b");
        Files.writeString(b.resolve("README.md"), "viewer was here\n");
        git.ok(b, "add", "README.md");
        git.ok(b, "commit", "-q", "-m", "Viewer change");
        ProcessResult push = git.run(b, bobEnv, "push", "origin", "main");
        assertThat(push.ok()).as(push.toString()).isFalse();
        String before = git.ok(trees.resolve("a"), "rev-parse", "HEAD").trim();
        assertThat(git.ok(trees, env(t, alice, version), "ls-remote", t.url(server, alice, TEAM, name), "refs/heads/main"))
                .startsWith(before);
    }

    @ParameterizedTest(name = "{0} protocol v{1}")
    @MethodSource("transports")
    void nonMemberSeesTheSameNotFoundAsForAMissingRepository(Transport t, int version) throws Exception {
        String name = newInstance(t, version, "secret");
        Path trees = workTree(name);
        ProcessResult hidden = git.run(trees, env(t, carol, version), "clone", t.url(server, carol, TEAM, name), "x");
        ProcessResult missing = git.run(trees, env(t, carol, version), "clone",
                t.url(server, carol, TEAM, "no-such-" + name), "y");
        assertThat(hidden.ok()).isFalse();
        assertThat(missing.ok()).isFalse();
        assertThat(normalize(hidden.stderr(), name)).isEqualTo(normalize(missing.stderr(), "no-such-" + name));
        assertThat(hidden.stderr().toLowerCase()).contains("not found");
    }

    /** The two errors differ only in the repository name they echo. */
    private static String normalize(String stderr, String name) {
        return stderr.replace(name, "NAME").replace("'x'", "DIR").replace("'y'", "DIR");
    }
}
