package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.ProcessResult;
import dev.flowstage.server.testing.Processes;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a device short of storage does: partial ({@code --filter}) and shallow clones with the stock
 * git client, per transport, checking what was actually transferred.
 */
@ExtendWith(FlowstageExtension.class)
class PartialCloneIT {
    private static final String TEAM = "lean";
    private static final String NOT_RECOGNIZED = "filtering not recognized by server";
    private static TestServer server;
    private static TestUser alice;
    private static GitCli git;
    private static Path trees;
    /** flows.json as first pushed: only in history, so a blob-less clone must not have it. */
    private static String oldBlob;
    private static String newBlob;
    private static String oldTree;

    @BeforeAll
    static void setUp(TestServer s) throws Exception {
        server = s;
        alice = s.newUser("alice");
        s.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"" + TEAM + "\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/applications", "{\"name\":\"line\"}");
        s.admin().expect(201, "PUT", "/api/v1/teams/" + TEAM + "/members/alice", "{\"role\":\"member\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/instances", "{\"name\":\"plant\",\"application\":\"line\"}");
        git = new GitCli(s.workDir().resolve("git-home"));
        trees = Files.createDirectories(s.workDir().resolve("partial"));

        Map<String, String> env = Transport.HTTP.env(server, alice);
        git.ok(trees, env, "clone", Transport.HTTP.url(server, alice, TEAM, "plant"), "source");
        Path source = trees.resolve("source");
        Files.writeString(source.resolve("flows.json"), "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Flow 1\"}]\n");
        git.ok(source, "add", "flows.json");
        git.ok(source, "commit", "-q", "-m", "First flow");
        Files.writeString(source.resolve("flows.json"),
                "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Flow 2\"},{\"id\":\"n1\",\"type\":\"inject\",\"z\":\"t1\"}]\n");
        git.ok(source, "commit", "-q", "-am", "Add an inject node");
        git.ok(source, env, "push", "origin", "main");
        oldBlob = git.ok(source, "rev-parse", "HEAD~1:flows.json").trim();
        newBlob = git.ok(source, "rev-parse", "HEAD:flows.json").trim();
        oldTree = git.ok(source, "rev-parse", "HEAD~1^{tree}").trim();
    }

    static Stream<Arguments> transportsAndVersions() {
        return Stream.of(Transport.HTTP, Transport.SSH)
                .flatMap(t -> Stream.of(Arguments.of(t, 0), Arguments.of(t, 2)));
    }

    @ParameterizedTest(name = "{0} protocol v{1}")
    @MethodSource("transportsAndVersions")
    void blobNoneLeavesOldBlobsOnTheServerAndFetchesTheCheckedOutOnesLazily(Transport t, int version) throws Exception {
        Map<String, String> env = env(t, alice, version);
        String dir = "blobless-" + t + "-v" + version;
        ProcessResult clone = git.run(trees, env, "clone", "--filter=blob:none", t.url(server, alice, TEAM, "plant"), dir);
        assertThat(clone.ok()).as(clone.toString()).isTrue();
        assertThat(clone.stderr()).doesNotContain(NOT_RECOGNIZED);
        Path clonePath = trees.resolve(dir);
        assertThat(Files.readString(clonePath.resolve("flows.json"))).contains("Flow 2");

        String objects = git.ok(clonePath, "rev-list", "--objects", "--missing=print", "--all");
        assertThat(objects).as("the old flows.json was not sent").contains("?" + oldBlob);
        assertThat(objects).as("the checked-out flows.json was fetched").doesNotContain("?" + newBlob);

        // and later, when asked for: a lazy fetch of one blob by its id
        assertThat(git.ok(clonePath, env, "cat-file", "-p", oldBlob)).contains("Flow 1");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"HTTP", "SSH"})
    void treeZeroSendsCommitsOnly(Transport t) throws Exception {
        Map<String, String> env = env(t, alice, 2);
        String dir = "treeless-" + t;
        ProcessResult clone = git.run(trees, env, "clone", "--filter=tree:0", t.url(server, alice, TEAM, "plant"), dir);
        assertThat(clone.ok()).as(clone.toString()).isTrue();
        assertThat(clone.stderr()).doesNotContain(NOT_RECOGNIZED);
        Path clonePath = trees.resolve(dir);
        assertThat(Files.readString(clonePath.resolve("flows.json"))).contains("Flow 2");
        // asking git about a missing tree would fetch it; the pack indexes show what was received
        assertThat(storedObjects(clonePath)).as("the first commit's tree was not sent").doesNotContain(oldTree)
                .as("nor its blob").doesNotContain(oldBlob);
        assertThat(git.ok(clonePath, "config", "remote.origin.partialclonefilter").trim()).isEqualTo("tree:0");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"HTTP", "SSH"})
    void depthOneSendsTheNewestCommitOnly(Transport t) throws Exception {
        Map<String, String> env = env(t, alice, 2);
        String dir = "shallow-" + t;
        git.ok(trees, env, "clone", "--depth", "1", t.url(server, alice, TEAM, "plant"), dir);
        Path clonePath = trees.resolve(dir);
        assertThat(git.ok(clonePath, "rev-parse", "--is-shallow-repository").trim()).isEqualTo("true");
        assertThat(git.ok(clonePath, "rev-list", "--count", "HEAD").trim()).isEqualTo("1");
        Set<String> stored = storedObjects(clonePath);
        assertThat(stored).doesNotContain(oldBlob, oldTree).contains(newBlob);
        int inHead = git.ok(clonePath, "ls-tree", "-r", "-t", "HEAD").split("\n").length;
        assertThat(stored).as("one commit, its root tree and what is in it").hasSize(1 + 1 + inHead);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"HTTP", "SSH"})
    void protocolTwoAdvertisesFetchFilter(Transport t) {
        Map<String, String> env = env(t, alice, 2);
        env.put("GIT_TRACE_PACKET", "1");
        ProcessResult lsRemote = git.run(trees, env, "ls-remote", t.url(server, alice, TEAM, "plant"), "refs/heads/main");
        assertThat(lsRemote.ok()).as(lsRemote.toString()).isTrue();
        assertThat(lsRemote.stderr()).contains("version 2").containsPattern("fetch=\\S*filter");
    }

    @Test
    void aDeviceWithAFilterStillSeesOnlyItsRefsAndCannotFetchHiddenBlobs() throws Exception {
        String token = server.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/devices",
                "{\"name\":\"pi\",\"application\":\"line\"}").get("token").asText();
        String deviceUrl = "http://pi:" + token + "@127.0.0.1:" + server.httpPort() + "/git/" + TEAM + "/pi.git";
        Map<String, String> userEnv = env(Transport.HTTP, alice, 2);

        // a work branch the device must not see, and the device's own branch
        git.ok(trees, userEnv, "clone", Transport.HTTP.url(server, alice, TEAM, "pi"), "pi-member");
        Path member = trees.resolve("pi-member");
        Files.writeString(member.resolve("secret.txt"), "not for the device\n");
        git.ok(member, "add", "secret.txt");
        git.ok(member, "commit", "-q", "-m", "Work in progress");
        git.ok(member, userEnv, "push", "origin", "HEAD:refs/heads/feature");
        String hiddenBlob = git.ok(member, "rev-parse", "HEAD:secret.txt").trim();

        git.ok(trees, Map.of(), "init", "-q", "pi-own");
        Path own = trees.resolve("pi-own");
        Files.writeString(own.resolve("status.txt"), "running\n");
        git.ok(own, "add", "status.txt");
        git.ok(own, "commit", "-q", "-m", "Device status");
        git.ok(own, Map.of(), "push", deviceUrl, "HEAD:refs/heads/device");
        String deviceBlob = git.ok(own, "rev-parse", "HEAD:status.txt").trim();

        ProcessResult clone = git.run(trees, Map.of(), "clone", "--filter=blob:none", "--no-checkout", deviceUrl, "pi-device");
        assertThat(clone.ok()).as(clone.toString()).isTrue();
        assertThat(clone.stderr()).doesNotContain(NOT_RECOGNIZED);
        Path device = trees.resolve("pi-device");
        assertThat(git.ok(device, "for-each-ref", "--format=%(refname)", "refs/remotes/").trim())
                .isEqualTo("refs/remotes/origin/device");
        assertThat(git.ok(device, "rev-list", "--objects", "--missing=print", "--all")).contains("?" + deviceBlob);

        assertThat(git.ok(device, "cat-file", "-p", deviceBlob)).isEqualTo("running\n");
        ProcessResult hidden = git.run(device, "cat-file", "-p", hiddenBlob);
        assertThat(hidden.ok()).as(hidden.toString()).isFalse();
        assertThat(hidden.stdout()).doesNotContain("not for the device");
    }

    /** Ids of the objects in {@code repo}'s packs and loose objects, read without any lazy fetch. */
    private static Set<String> storedObjects(Path repo) throws Exception {
        Set<String> ids = new TreeSet<>();
        Path objects = repo.resolve(".git/objects");
        try (Stream<Path> files = Files.walk(objects)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String dir = f.getParent().getFileName().toString();
                if (f.toString().endsWith(".idx")) {
                    ProcessResult r = Processes.run(repo, Map.of(), List.of("sh", "-c", "git show-index < '" + f + "'"));
                    for (String line : r.stdout().split("\n")) {
                        if (!line.isBlank()) {
                            ids.add(line.split(" ")[1]);
                        }
                    }
                } else if (dir.matches("[0-9a-f]{2}")) {
                    ids.add(dir + f.getFileName());
                }
            }
        }
        return ids;
    }

    private static Map<String, String> env(Transport t, TestUser u, int version) {
        Map<String, String> env = new HashMap<>(t.env(server, u));
        env.put("GIT_CONFIG_COUNT", "1");
        env.put("GIT_CONFIG_KEY_0", "protocol.version");
        env.put("GIT_CONFIG_VALUE_0", Integer.toString(version));
        return env;
    }
}
