package dev.flowstage.web.api;

import static dev.flowstage.web.api.ApiServer.admin;
import static dev.flowstage.web.api.ApiServer.basic;
import static dev.flowstage.web.api.ApiServer.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.secret.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Applications, instances, devices and groups: config entries plus one bare repository each. */
class TargetsApiTest {
    @TempDir
    Path data;
    ApiServer api;
    String owner;
    String viewer;

    @BeforeEach
    void start() throws Exception {
        api = new ApiServer(data);
        owner = api.user("olive", "olive-password");
        viewer = api.user("vera", "vera-password");
        api.post("/teams", admin(), "{\"name\":\"acme\"}").expect(201);
        api.call("PUT", "/teams/acme/members/olive", admin(), "{\"role\":\"owner\"}").expect(201);
        api.call("PUT", "/teams/acme/members/vera", admin(), "{\"role\":\"viewer\"}").expect(201);
        api.post("/teams/acme/applications", owner, "{\"name\":\"factory\",\"description\":\"Line 1\"}").expect(201);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void instanceHasUrlsAndRepoAndHidesSecrets() throws Exception {
        ApiServer.Reply r = api.post("/teams/acme/instances", owner, "{\"name\":\"prod\",\"application\":\"factory\","
                + "\"protected\":true,\"nodeRed\":{\"url\":\"http://nodered.factory.example:1880\",\"token\":\"nr-secret-token\"},"
                + "\"credentialSecret\":\"cred-secret-value\"}");
        JsonNode prod = r.expect(201);
        assertEquals("instance", prod.path("kind").asText());
        assertEquals("prod", prod.path("name").asText());
        assertEquals("factory", prod.path("application").asText());
        assertTrue(prod.path("protected").asBoolean());
        assertEquals("https://git.example.test:8443/git/acme/prod.git", prod.path("gitUrl").asText());
        assertEquals("ssh://git@git.example.test:2222/acme/prod.git", prod.path("sshUrl").asText());
        assertTrue(prod.hasNonNull("createdAt"));
        assertTrue(prod.path("credentialSecret").asBoolean());
        assertEquals("http://nodered.factory.example:1880", prod.path("nodeRed").path("url").asText());
        assertTrue(prod.path("nodeRed").path("token").asBoolean());
        assertTrue(api.services.repos().exists(new RepoName("acme", "prod")));

        String read = api.get("/teams/acme/instances/prod", viewer).text
                + api.get("/teams/acme/instances", viewer).text + r.text;
        assertFalse(read.contains("nr-secret-token") || read.contains("cred-secret-value"), read);
        var stored = api.services.teams().team("acme").orElseThrow().targets().get("prod");
        assertEquals("cred-secret-value", api.services.secrets().open(stored.sealedCredentialSecret()));
        assertEquals("nr-secret-token", api.services.secrets().open(stored.nodeRed().sealedToken()));
    }

    @Test
    void deviceTokenIsShownOnceWorksAndCanBeRegenerated() throws Exception {
        api.post("/teams/acme/instances", owner, "{\"name\":\"dev\",\"application\":\"factory\"}").expect(201);
        api.post("/teams/acme/groups", owner, "{\"name\":\"line-1\",\"application\":\"factory\"}").expect(201);
        JsonNode pi = api.post("/teams/acme/devices", owner,
                "{\"name\":\"pi-1\",\"application\":\"factory\",\"instance\":\"dev\",\"group\":\"line-1\"}").expect(201);
        String token = pi.path("token").asText();
        assertTrue(token.startsWith("fsd_"), token);
        assertEquals("dev", pi.path("instance").asText());
        assertEquals("line-1", pi.path("group").asText());
        assertEquals("https://git.example.test:8443/git/acme/pi-1.git", pi.path("gitUrl").asText());
        assertEquals(Tokens.hash(token), api.services.site().device("acme", "pi-1").orElseThrow().tokenHash());
        assertFalse(api.get("/teams/acme/devices/pi-1", owner).json().has("token"));

        // the device authenticates, but the team API is for people: its token is refused there
        assertEquals("a device token works only on the device API (/api/v1/devices/self...)",
                api.get("/teams/acme/devices/pi-1", bearer(token)).error(403, "forbidden"));
        api.get("/user", bearer(token)).error(403, "forbidden");
        api.get("/teams", basic("pi-1", token)).error(403, "forbidden");
        api.get("/teams/acme/devices/pi-1", basic("pi-1", "wrong")).error(401, "unauthorized");

        String fresh = api.post("/teams/acme/devices/pi-1/token", owner, null).expect(200).path("token").asText();
        assertNotEquals(token, fresh);
        api.get("/teams/acme", bearer(token)).error(401, "unauthorized");
        api.post("/teams/acme/instances/dev/token", owner, null).error(404, "not_found");
        api.post("/teams/acme/devices/pi-1/token", viewer, null).error(403, "forbidden");
    }

    @Test
    void namesAreCheckedAndSharedAcrossKinds() throws Exception {
        api.post("/teams/acme/instances", owner, "{\"name\":\"dev\",\"application\":\"factory\"}").expect(201);
        String msg = api.post("/teams/acme/devices", owner, "{\"name\":\"dev\",\"application\":\"factory\"}")
                .error(409, "conflict");
        assertEquals("the name 'dev' is already used by instance 'dev' in team 'acme'", msg);
        api.post("/teams/acme/instances", owner, "{\"name\":\"dev\",\"application\":\"factory\"}").error(409, "conflict");
        assertTrue(api.post("/teams/acme/groups", owner, "{\"name\":\"-bad\",\"application\":\"factory\"}")
                .error(422, "invalid_name").startsWith("group name '-bad' is not allowed"));
        assertFalse(api.services.repos().exists(new RepoName("acme", "qa")));
    }

    @Test
    void referencesMustExist() throws Exception {
        assertEquals("application 'nope' does not exist in team 'acme'", api.post("/teams/acme/instances", owner,
                "{\"name\":\"qa\",\"application\":\"nope\"}").error(422, "invalid"));
        assertFalse(api.services.repos().exists(new RepoName("acme", "qa")));
        assertEquals("instance 'ghost' does not exist in team 'acme'", api.post("/teams/acme/devices", owner,
                "{\"name\":\"pi\",\"application\":\"factory\",\"instance\":\"ghost\"}").error(422, "invalid"));
        api.post("/teams/acme/groups", owner, "{\"name\":\"g\",\"application\":\"factory\"}").expect(201);
        api.post("/teams/acme/devices", owner, "{\"name\":\"pi\",\"application\":\"factory\",\"instance\":\"g\"}")
                .error(422, "invalid");
        assertEquals("field 'application' is required",
                api.post("/teams/acme/groups", owner, "{\"name\":\"g2\"}").error(422, "missing_field"));
        api.post("/teams/acme/instances", owner, "{\"name\":\"x\",\"application\":\"factory\",\"nodeRed\":{\"url\":\"file:///etc\"}}")
                .error(422, "invalid_field");
    }

    @Test
    void nodeRedUrlsWithCredentialsOtherSchemesOrDisallowedAddressesAreRefused() throws Exception {
        String userInfo = api.post("/teams/acme/instances", owner, "{\"name\":\"x\",\"application\":\"factory\","
                + "\"nodeRed\":{\"url\":\"http://admin:hunter2@nodered.factory.example:1880\"}}").error(422, "invalid_field");
        assertEquals("nodeRed.url must not carry credentials (user:password@): it is shown to every viewer of the team;"
                + " put the Admin API token in nodeRed.token, which is stored sealed", userInfo);
        assertFalse(api.services.repos().exists(new RepoName("acme", "x")));
        assertEquals("nodeRed.url must be an http or https URL", api.post("/teams/acme/instances", owner,
                "{\"name\":\"x\",\"application\":\"factory\",\"nodeRed\":{\"url\":\"ftp://nodered.example/\"}}")
                .error(422, "invalid_field"));
        assertEquals("nodeRed.url: address 169.254.169.254 is not allowed for outbound calls (cloud metadata); allow it"
                + " with --outbound-allow (only an entry naming it explicitly, e.g. 169.254.169.254, admits it)",
                api.post("/teams/acme/instances", owner, "{\"name\":\"x\",\"application\":\"factory\","
                        + "\"nodeRed\":{\"url\":\"http://169.254.169.254/latest/\"}}").error(422, "invalid_field"));
        api.post("/teams/acme/instances", owner, "{\"name\":\"qa\",\"application\":\"factory\"}").expect(201);
        String patched = api.call("PATCH", "/teams/acme/instances/qa", owner,
                "{\"nodeRed\":{\"url\":\"https://u:p@nodered.factory.example/\"}}").error(422, "invalid_field");
        assertTrue(patched.startsWith("nodeRed.url must not carry credentials"), patched);
        assertTrue(api.call("PATCH", "/teams/acme/instances/qa", owner, "{\"nodeRed\":{\"url\":\"http://127.0.0.1:1880/\"}}")
                .error(422, "invalid_field").contains("(loopback)"));
        assertEquals(null, api.services.teams().team("acme").orElseThrow().targets().get("qa").nodeRed());
    }

    @Test
    void patchChangesFieldsAndKeepsSecretsHidden() throws Exception {
        api.post("/teams/acme/applications", owner, "{\"name\":\"other\"}").expect(201);
        api.post("/teams/acme/instances", owner, "{\"name\":\"qa\",\"application\":\"factory\"}").expect(201);
        JsonNode qa = api.call("PATCH", "/teams/acme/instances/qa", owner,
                "{\"protected\":true,\"application\":\"other\",\"credentialSecret\":\"s3cr3t-value\"}").expect(200);
        assertTrue(qa.path("protected").asBoolean());
        assertEquals("other", qa.path("application").asText());
        assertTrue(qa.path("credentialSecret").asBoolean());
        assertFalse(qa.toString().contains("s3cr3t-value"));
        assertFalse(api.call("PATCH", "/teams/acme/instances/qa", owner, "{\"credentialSecret\":\"\"}")
                .expect(200).path("credentialSecret").asBoolean());
        api.call("PATCH", "/teams/acme/instances/qa", owner, "{\"application\":\"nope\"}").error(422, "invalid");
        api.call("PATCH", "/teams/acme/instances/qa", owner, "{\"name\":\"renamed\"}").error(422, "invalid_field");
        api.call("PATCH", "/teams/acme/instances/qa", viewer, "{\"protected\":false}").error(403, "forbidden");
        api.call("PATCH", "/teams/acme/devices/qa", owner, "{}").error(404, "not_found");
    }

    @Test
    void deletingTargetsRemovesReposAndRespectsUsers() throws Exception {
        api.post("/teams/acme/instances", owner, "{\"name\":\"dev\",\"application\":\"factory\"}").expect(201);
        String token = api.post("/teams/acme/devices", owner,
                "{\"name\":\"pi\",\"application\":\"factory\",\"instance\":\"dev\"}").expect(201).path("token").asText();
        assertEquals("instance 'dev' is still used by device(s) pi",
                api.call("DELETE", "/teams/acme/instances/dev", owner, null).error(409, "conflict"));
        assertTrue(api.call("DELETE", "/teams/acme/applications/factory", owner, null).error(409, "conflict")
                .contains("still used by"));
        api.call("DELETE", "/teams/acme/devices/pi", viewer, null).error(403, "forbidden");
        api.call("DELETE", "/teams/acme/devices/pi", owner, null).expect(204);
        assertFalse(api.services.repos().exists(new RepoName("acme", "pi")));
        assertTrue(api.services.site().device("acme", "pi").isEmpty());
        api.get("/teams/acme", bearer(token)).error(401, "unauthorized");
        api.call("DELETE", "/teams/acme/instances/dev", owner, null).expect(204);
        api.call("DELETE", "/teams/acme/instances/dev", owner, null).error(404, "not_found");
        api.call("DELETE", "/teams/acme/applications/factory", owner, null).expect(204);
        api.get("/teams/acme/applications/factory", owner).error(404, "not_found");
    }

    @Test
    void repoLeftOnDiskIsAConflictAndLeavesNoConfigEntry() throws Exception {
        Path leftover = api.services.repos().path(new RepoName("acme", "blocked"));
        Files.createDirectories(leftover);
        assertTrue(api.post("/teams/acme/instances", owner, "{\"name\":\"blocked\",\"application\":\"factory\"}")
                .error(409, "conflict").contains("already on disk"));
        api.get("/teams/acme/instances/blocked", owner).error(404, "not_found");
        assertTrue(Files.isDirectory(leftover)); // not ours to delete
        Files.delete(leftover);
        api.post("/teams/acme/instances", owner, "{\"name\":\"blocked\",\"application\":\"factory\"}").expect(201);
    }

    @Test
    void failedRepoCreationIs500WithoutDetailsAndRollsBack(@TempDir Path other) throws Exception {
        try (ApiServer failing = new ApiServer(other, repos -> new FailingCreate(repos))) {
            failing.post("/teams", admin(), "{\"name\":\"acme\"}").expect(201);
            failing.post("/teams/acme/applications", admin(), "{\"name\":\"factory\"}").expect(201);
            ApiServer.Reply r = failing.post("/teams/acme/devices", admin(), "{\"name\":\"pi\",\"application\":\"factory\"}");
            assertEquals("internal error", r.error(500, "internal_error"));
            assertFalse(r.text.contains("/srv/secret"), r.text);
            failing.get("/teams/acme/devices/pi", admin()).error(404, "not_found");
            assertTrue(failing.services.site().device("acme", "pi").isEmpty());
        }
    }

    /** A repository store whose creation of target repos fails like a full disk would. */
    private record FailingCreate(RepoStore real) implements RepoStore {
        @Override
        public Path path(RepoName name) {
            return real.path(name);
        }

        @Override
        public boolean exists(RepoName name) {
            return real.exists(name);
        }

        @Override
        public Repository open(RepoName name) throws IOException {
            return real.open(name);
        }

        @Override
        public Repository create(RepoName name) throws IOException {
            if (name.isConfig()) {
                return real.create(name);
            }
            throw new IOException("No space left on device: /srv/secret/" + name);
        }

        @Override
        public void delete(RepoName name) throws IOException {
            real.delete(name);
        }

        @Override
        public void pushed(RepoName name) {
            real.pushed(name);
        }
    }

    @Test
    void applicationsCrud() throws Exception {
        api.post("/teams/acme/applications", owner, "{\"name\":\"factory\"}").error(409, "conflict");
        assertEquals("Line 1", api.get("/teams/acme/applications/factory", viewer).expect(200)
                .path("description").asText());
        assertEquals("Line 2", api.call("PATCH", "/teams/acme/applications/factory", owner,
                "{\"description\":\"Line 2\"}").expect(200).path("description").asText());
        api.get("/teams/acme/applications/nope", viewer).error(404, "not_found");
    }
}
