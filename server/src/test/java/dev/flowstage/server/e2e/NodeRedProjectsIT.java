package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import dev.flowstage.storage.snapshot.testing.NodeRedRunner;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real Node-RED 5 with Projects enabled uses an instance's repository as its remote, through Node-RED's
 * own Admin API as its editor does: the project is cloned over HTTP with the user's token, flows changed
 * in Node-RED are committed and pushed to the instance's main (and are a valid snapshot whose
 * credentials the server reads with the instance's credentialSecret), a commit pushed by the git CLI
 * arrives by pull, and a push the server refuses shows the server's reason in Node-RED's answer.
 */
@ExtendWith(FlowstageExtension.class)
class NodeRedProjectsIT {
    private static final String TEAM = "red";
    private static final String CREDENTIAL_SECRET = "project-secret-5a1e";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A node with credentials, so Node-RED writes an encrypted flows_cred.json into the project. */
    private static final String FLOWS_WITH_CREDENTIALS = """
            [{"id":"t1","type":"tab","label":"Seeded by git"},
             {"id":"h1","type":"http request","z":"t1","name":"call the service","method":"GET","ret":"txt",
              "url":"http://127.0.0.1:9/status","authType":"basic","x":200,"y":100,"wires":[[]],
              "credentials":{"user":"svc","password":"hunter2"}}]
            """;

    private static TestServer server;
    private static TestUser dev;
    private static GitCli git;
    private static NodeRedRunner nodeRed;

    @BeforeAll
    static void setUp(TestServer s) throws Exception {
        server = s;
        dev = s.newUser("red-dev");
        s.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"" + TEAM + "\"}");
        s.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/applications", "{\"name\":\"plant\"}");
        s.admin().expect(201, "PUT", "/api/v1/teams/" + TEAM + "/members/red-dev", "{\"role\":\"member\"}");
        git = new GitCli(s.workDir().resolve("git-home"));

        // Node-RED's Projects run the git on the PATH: give it a HOME of its own with a git identity
        // (Node-RED reads user.name and user.email from the global config) and no system config
        Path home = Files.createDirectories(s.workDir().resolve("node-red-home"));
        Files.writeString(home.resolve(".gitconfig"), """
                [user]
                \tname = Node-RED Projects
                \temail = node-red@example.test
                [init]
                \tdefaultBranch = main
                """);
        Map<String, String> env = Map.of("HOME", home.toString(),
                "XDG_CONFIG_HOME", home.resolve(".config").toString(), "GIT_CONFIG_NOSYSTEM", "1");
        // this editorTheme replaces the runner's own (the later key of an object literal wins)
        nodeRed = NodeRedRunner.start(s.workDir().resolve("node-red"), "false",
                "editorTheme: { tours: false, projects: { enabled: true } },", env);
    }

    @AfterAll
    static void stopNodeRed() throws Exception {
        if (nodeRed != null) {
            nodeRed.close();
        }
    }

    @Test
    void aProjectClonedFromTheInstanceCommitsPushesAndPulls() throws Exception {
        String name = "line";
        createInstance(name);
        seed(name);

        JsonNode project = createProject(name);
        assertThat(project.at("/git/branches/local").asText()).as(project.toString()).isEqualTo("main");
        assertThat(project.at("/git/branches/remote").asText()).as(project.toString()).isEqualTo("origin/main");
        assertThat(project.at("/files/flow").asText()).as(project.toString()).isEqualTo("flows.json");
        assertThat(project.at("/files/credentials").asText()).as(project.toString()).isEqualTo("flows_cred.json");
        assertThat(project.toString()).as("Node-RED keeps no credentials in the remote URL").doesNotContain(dev.token());
        awaitRunningFlowsContain("Seeded by git");

        // change the flows in Node-RED: it saves flows.json and an encrypted flows_cred.json in the project
        HttpResponse<String> deployed = nodeRed.deploy(FLOWS_WITH_CREDENTIALS);
        assertThat(deployed.statusCode()).as(() -> answer("POST /flows", deployed)).isBetween(200, 204);
        Path dir = nodeRed.userDir().resolve("projects").resolve(name);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(Files.readString(dir.resolve("flows.json"))).contains("call the service");
            assertThat(dir.resolve("flows_cred.json")).exists();
        });

        // stage, commit and push through the projects API, as the editor's history panel does
        expect(200, "POST /projects/" + name + "/stage", "{\"files\":[\"flows.json\",\"flows_cred.json\"]}");
        JsonNode status = JSON.readTree(expect(200, "POST /projects/" + name + "/commit",
                "{\"message\":\"Call the service\"}"));
        assertThat(status.at("/commits/ahead").asInt()).as(status.toString()).isEqualTo(1);
        String commit = latestCommit(name);
        expect(204, "POST /projects/" + name + "/push", "");

        assertThat(serverMain(name)).as("the instance's main after Node-RED's push").isEqualTo(commit);
        JsonNode snapshot = server.as(dev).get("/api/v1/teams/" + TEAM + "/instances/" + name + "/snapshots/" + commit)
                .json();
        JsonNode saved = JSON.readTree(Files.readString(dir.resolve("flows.json")));
        assertThat(snapshot.at("/files/flows.json")).as(snapshot.toString()).isEqualTo(saved);
        assertThat(snapshot.at("/files/flows.json/1/credentials").isMissingNode())
                .as("credentials stay out of flows.json").isTrue();
        assertThat(snapshot.path("author").asText()).isEqualTo("Node-RED Projects");
        assertThat(snapshot.path("credentials").toString()).as("the server reads Node-RED's flows_cred.json with"
                + " the instance's credentialSecret").isEqualTo("{\"encrypted\":true,\"nodes\":[\"h1\"]}");

        // a commit pushed by the git CLI reaches Node-RED by pull, and Node-RED runs it
        Path cli = server.workDir().resolve("cli-" + name);
        git.ok(server.workDir(), "clone", "-q", Transport.HTTP.url(server, dev, TEAM, name), cli.toString());
        ArrayNode flows = (ArrayNode) JSON.readTree(Files.readString(cli.resolve("flows.json")));
        ObjectNode comment = flows.addObject();
        comment.put("id", "c1").put("type", "comment").put("z", "t1").put("name", "from the git CLI")
                .put("info", "").put("x", 120).put("y", 40).putArray("wires");
        Files.writeString(cli.resolve("flows.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(flows));
        git.ok(cli, "commit", "-q", "-am", "Explain the line");
        git.ok(cli, "push", "-q", "origin", "main");
        String cliHead = git.ok(cli, "rev-parse", "HEAD").strip();
        String credentialsBefore = Files.readString(dir.resolve("flows_cred.json"));

        expect(204, "POST /projects/" + name + "/pull", "");
        assertThat(latestCommit(name)).isEqualTo(cliHead);
        awaitRunningFlowsContain("from the git CLI");
        assertThat(Files.readString(dir.resolve("flows_cred.json"))).isEqualTo(credentialsBefore);
    }

    @Test
    void aPushToAProtectedInstanceIsRefusedWithTheServersReason() throws Exception {
        String name = "prod";
        createInstance(name);
        String seeded = seed(name);
        server.admin().expect(200, "PATCH", "/api/v1/teams/" + TEAM + "/instances/" + name, "{\"protected\":true}");

        createProject(name);
        awaitRunningFlowsContain("Seeded by git");
        HttpResponse<String> deployed = nodeRed.deploy(FLOWS_WITH_CREDENTIALS);
        assertThat(deployed.statusCode()).as(() -> answer("POST /flows", deployed)).isBetween(200, 204);
        Path dir = nodeRed.userDir().resolve("projects").resolve(name);
        await().atMost(WAIT).untilAsserted(() -> assertThat(dir.resolve("flows_cred.json")).exists());
        expect(200, "POST /projects/" + name + "/stage", "{\"files\":[\"flows.json\",\"flows_cred.json\"]}");
        expect(200, "POST /projects/" + name + "/commit", "{\"message\":\"Straight to production\"}");

        HttpResponse<String> push = nodeRed.post("/projects/" + name + "/push", "");
        assertThat(push.statusCode()).as(() -> answer("POST /projects/" + name + "/push", push)).isEqualTo(400);
        assertThat(JSON.readTree(push.body()).path("message").asText()).as(push.body())
                .contains("flowstage: main of protected instance 'prod' only changes through a pipeline or an"
                        + " approved review (push to refs/for/main to open one)");
        assertThat(serverMain(name)).as("the refused push moved nothing").isEqualTo(seeded);
    }

    private static void createInstance(String name) {
        server.admin().expect(201, "POST", "/api/v1/teams/" + TEAM + "/instances", "{\"name\":\"" + name
                + "\",\"application\":\"plant\",\"credentialSecret\":\"" + CREDENTIAL_SECRET + "\"}");
    }

    /** The instance's first snapshot, pushed by the git CLI: the files of a Node-RED project. */
    private static String seed(String name) throws IOException {
        Path seed = server.workDir().resolve("seed-" + name);
        git.ok(server.workDir(), "clone", "-q", Transport.HTTP.url(server, dev, TEAM, name), seed.toString());
        Files.writeString(seed.resolve("package.json"), """
                {
                    "name": "%s",
                    "description": "A Flowstage instance",
                    "version": "0.0.1",
                    "dependencies": {},
                    "node-red": {
                        "settings": {
                            "flowFile": "flows.json",
                            "credentialsFile": "flows_cred.json"
                        }
                    }
                }
                """.formatted(name));
        Files.writeString(seed.resolve("README.md"), name + "\n" + "=".repeat(name.length()) + "\n");
        Files.writeString(seed.resolve(".gitignore"), "*.backup\n");
        Files.writeString(seed.resolve("flows.json"), "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Seeded by git\"}]\n");
        git.ok(seed, "add", "-A");
        git.ok(seed, "commit", "-q", "-m", "Seed the project");
        git.ok(seed, "push", "-q", "origin", "main");
        return git.ok(seed, "rev-parse", "HEAD").strip();
    }

    /** {@code POST /projects}: clone the instance's repository over HTTP with the user's name and token. */
    private static JsonNode createProject(String name) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("name", name);
        body.put("credentialSecret", CREDENTIAL_SECRET);
        ObjectNode origin = body.putObject("git").putObject("remotes").putObject("origin");
        origin.put("url", server.httpBase() + "/git/" + TEAM + "/" + name + ".git");
        origin.put("username", dev.name());
        origin.put("password", dev.token());
        return JSON.readTree(expect(200, "POST /projects", body.toString()));
    }

    private static String latestCommit(String project) throws Exception {
        HttpResponse<String> commits = nodeRed.get("/projects/" + project + "/commits?limit=1");
        assertThat(commits.statusCode()).as(() -> answer("GET commits", commits)).isEqualTo(200);
        return JSON.readTree(commits.body()).at("/commits/0/sha").asText();
    }

    private static void awaitRunningFlowsContain(String text) {
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> flows = nodeRed.get("/flows");
            assertThat(flows.body()).as(() -> answer("GET /flows", flows)).contains(text);
        });
    }

    private static String serverMain(String name) {
        String line = git.ok(server.workDir(), "ls-remote", Transport.HTTP.url(server, dev, TEAM, name), "refs/heads/main");
        return line.isBlank() ? "" : line.substring(0, line.indexOf('\t'));
    }

    /** Sends {@code "METHOD PATH"} with a JSON body and fails, with Node-RED's answer and log, on another status. */
    private static String expect(int status, String request, String json) throws Exception {
        String path = request.substring(request.indexOf(' ') + 1);
        HttpResponse<String> r = nodeRed.post(path, json);
        assertThat(r.statusCode()).as(() -> answer(request, r)).isEqualTo(status);
        return r.body();
    }

    private static String answer(String request, HttpResponse<String> r) {
        String log;
        try {
            log = nodeRed.log();
        } catch (IOException e) {
            log = "<" + e + ">";
        }
        return request + " answered " + r.statusCode() + ": " + r.body() + "\nNode-RED's log:\n" + log;
    }
}
