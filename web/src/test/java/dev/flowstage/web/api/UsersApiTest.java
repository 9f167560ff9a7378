package dev.flowstage.web.api;

import static dev.flowstage.web.api.ApiServer.admin;
import static dev.flowstage.web.api.ApiServer.basic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users (admin-managed), the signed-in user and their SSH keys. */
class UsersApiTest {
    static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHfMzEDS0ESU2i5EszNRqYxmuGxDqmhiYYnHavKBLqWv bob@laptop";
    static final String FINGERPRINT = "SHA256:+12arUPV8xaNN7fW7nl0fbaabq4l1jwMy3BYo5AlOT8";

    @TempDir
    Path data;
    ApiServer api;

    @BeforeEach
    void start() throws Exception {
        api = new ApiServer(data);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void adminCreatesUserWithGeneratedPasswordShownOnce() throws Exception {
        JsonNode created = api.post("/users", admin(), "{\"name\":\"bob\"}").expect(201);
        assertEquals("bob", created.path("name").asText());
        assertFalse(created.path("admin").asBoolean());
        String password = created.path("password").asText();
        assertTrue(password.length() >= 12, password);
        JsonNode self = api.get("/user", basic("bob", password)).expect(200);
        assertEquals("bob", self.path("name").asText());
        assertFalse(self.has("password") || self.has("passwordHash"));
        assertFalse(api.get("/users/bob", admin()).json().has("password"));
    }

    @Test
    void givenPasswordIsNotEchoedAndMustBeLongEnough() throws Exception {
        ApiServer.Reply r = api.post("/users", admin(), "{\"name\":\"bob\",\"password\":\"bob-password\"}");
        assertFalse(r.expect(201).has("password"));
        assertFalse(r.text.contains("bob-password"));
        assertEquals("password must be 8 to 1024 characters long",
                api.post("/users", admin(), "{\"name\":\"carl\",\"password\":\"short\"}").error(422, "invalid_password"));
        api.post("/users", admin(), "{\"name\":\"bob\"}").error(409, "conflict");
        assertTrue(api.post("/users", admin(), "{\"name\":\"Bob!\"}").error(422, "invalid_name").contains("Bob!"));
    }

    @Test
    void onlyAdminsManageUsersAndOthersAreInvisible() throws Exception {
        String bob = api.user("bob", "bob-password");
        api.user("carl", "carl-password");
        assertEquals("only a server admin can manage users",
                api.post("/users", bob, "{\"name\":\"dave\"}").error(403, "forbidden"));
        api.get("/users", bob).error(403, "forbidden");
        api.get("/users/carl", bob).error(404, "not_found");
        assertEquals("bob", api.get("/users/bob", bob).expect(200).path("name").asText());
        assertEquals(3, api.get("/users", admin()).expect(200).path("items").size());
        api.get("/users/nobody", admin()).error(404, "not_found");
    }

    @Test
    void adminDeletesAUserOnlyOnceTheyAreInNoTeam() throws Exception {
        String bob = api.user("bob", "bob-password");
        api.post("/teams", admin(), "{\"name\":\"acme\"}").expect(201);
        api.call("PUT", "/teams/acme/members/bob", admin(), "{\"role\":\"member\"}").expect(201);
        api.call("DELETE", "/users/bob", bob, null).error(403, "forbidden");
        assertTrue(api.call("DELETE", "/users/bob", admin(), null).error(409, "conflict").contains("acme"));
        api.call("DELETE", "/teams/acme/members/bob", admin(), null).expect(204);
        api.call("DELETE", "/users/bob", admin(), null).expect(204);
        api.get("/user", bob).error(401, "unauthorized");
        api.get("/users/bob", admin()).error(404, "not_found");
        api.call("DELETE", "/users/bob", admin(), null).error(404, "not_found");
        api.call("DELETE", "/users/admin", admin(), null).error(409, "conflict");
    }

    @Test
    void selfChangesPasswordButNotAdminFlag() throws Exception {
        String bob = api.user("bob", "bob-password");
        api.call("PATCH", "/users/bob", bob, "{\"password\":\"new-bob-password\"}").expect(200);
        api.get("/user", bob).error(401, "unauthorized");
        String newBob = basic("bob", "new-bob-password");
        api.get("/user", newBob).expect(200);
        api.call("PATCH", "/users/bob", newBob, "{\"admin\":true}").error(403, "forbidden");
        api.call("PATCH", "/users/admin", newBob, "{\"password\":\"hijacked-password\"}").error(404, "not_found");
        assertTrue(api.call("PATCH", "/users/bob", admin(), "{\"admin\":true}").expect(200).path("admin").asBoolean());
        assertEquals("you cannot remove your own admin rights",
                api.call("PATCH", "/users/admin", admin(), "{\"admin\":false}").error(409, "conflict"));
    }

    @Test
    void sshKeysAddListRemove() throws Exception {
        String bob = api.user("bob", "bob-password");
        JsonNode key = api.post("/user/keys", bob, "{\"title\":\"laptop\",\"key\":\"" + KEY + "\"}").expect(201);
        assertEquals(FINGERPRINT, key.path("fingerprint").asText());
        assertEquals("ssh-ed25519", key.path("type").asText());
        api.post("/user/keys", bob, "{\"title\":\"laptop\",\"key\":\"" + KEY + "\"}").error(409, "conflict");
        String carl = api.user("carl", "carl-password");
        api.post("/user/keys", carl, "{\"title\":\"mine\",\"key\":\"" + KEY + "\"}").error(409, "conflict");

        JsonNode list = api.get("/user/keys", bob).expect(200).path("items");
        assertEquals(1, list.size());
        assertEquals("laptop", list.get(0).path("title").asText());
        assertEquals(0, api.get("/user/keys", carl).expect(200).path("items").size());

        api.call("DELETE", "/user/keys/laptop", bob, null).expect(204);
        api.call("DELETE", "/user/keys/laptop", bob, null).error(404, "not_found");
        assertTrue(api.services.site().keyByFingerprint(FINGERPRINT).isEmpty());
    }

    @Test
    void badKeysAre422WithTheParsersMessage() throws Exception {
        String bob = api.user("bob", "bob-password");
        String msg = api.post("/user/keys", bob, "{\"title\":\"pem\",\"key\":\"-----BEGIN OPENSSH PRIVATE KEY-----\"}")
                .error(422, "invalid");
        assertTrue(msg.contains("PEM"), msg);
        api.post("/user/keys", bob, "{\"title\":\"x\",\"key\":\"ssh-ed25519 AAAAnotbase64!!\"}").error(422, "invalid");
        assertEquals("field 'key' is required", api.post("/user/keys", bob, "{\"title\":\"x\"}").error(422, "missing_field"));
    }
}
