package dev.flowstage.web.api;

import static dev.flowstage.web.api.ApiServer.admin;
import static dev.flowstage.web.api.ApiServer.basic;
import static dev.flowstage.web.api.ApiServer.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Authentication, token scopes and personal access tokens. */
class ApiAuthTest {
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
    void noCredentialsIs401WithBasicChallenge() throws Exception {
        ApiServer.Reply r = api.get("/user", null);
        assertTrue(r.error(401, "unauthorized").contains("authentication required"));
        assertEquals("Basic realm=\"flowstage\"", r.header("WWW-Authenticate"));
        assertTrue(r.header("Content-Type").startsWith("application/json"));
    }

    @Test
    void wrongPasswordUnknownTokenAndGarbageAre401() throws Exception {
        for (String auth : new String[] {basic("admin", "wrong-password"), bearer("fsp_doesnotexist"),
                basic("nobody", "whatever")}) {
            ApiServer.Reply r = api.get("/user", auth);
            assertEquals("invalid credentials", r.error(401, "unauthorized"), auth);
            assertEquals("Basic realm=\"flowstage\"", r.header("WWW-Authenticate"));
        }
    }

    @Test
    void malformedAuthorizationHeadersAre401SayingWhy() throws Exception {
        for (String[] c : new String[][] {
                {"Basic !!!not-base64", "invalid Authorization header: the Basic credentials are not valid base64"},
                {"Digest abc", "invalid Authorization header: use Basic or Bearer credentials"},
                {"Bearer ", "invalid Authorization header: no token after Bearer"}}) {
            ApiServer.Reply r = api.get("/user", c[0]);
            assertEquals(c[1], r.error(401, "unauthorized"), c[0]);
            assertEquals("Basic realm=\"flowstage\"", r.header("WWW-Authenticate"));
        }
    }

    @Test
    void schemeIsCaseInsensitiveAndPasswordsMayContainColons() throws Exception {
        assertEquals(201, api.call("POST", "/users", admin(), "{\"name\":\"colin\",\"password\":\"with:colons:inside\"}").status);
        String raw = Base64.getEncoder().encodeToString("colin:with:colons:inside".getBytes(StandardCharsets.UTF_8));
        assertEquals(200, api.get("/user", "bAsIc   " + raw).status);
    }

    @Test
    void unknownPathsAnswer401BeforeAuthAnd404InJsonAfter() throws Exception {
        api.get("/no/such/thing", null).error(401, "unauthorized");
        assertEquals("no such resource: /api/v1/no/such/thing", api.get("/no/such/thing", admin()).error(404, "not_found"));
    }

    @Test
    void wrongMethodIs405InTheErrorShape() throws Exception {
        ApiServer.Reply r = api.call("PUT", "/tokens", admin(), "{}");
        r.error(405, "method_not_allowed");
        assertTrue(r.header("Allow").contains("POST"), r.header("Allow"));
    }

    @Test
    void passwordCreatesTokenShownOnceAndUsableAsBearerAndBasic() throws Exception {
        JsonNode created = api.post("/tokens", admin(), "{\"name\":\"ci\",\"scope\":\"write\",\"expiresInDays\":30}")
                .expect(201);
        String token = created.path("token").asText();
        assertTrue(token.startsWith("fsp_"), token);
        assertEquals("ci", created.path("name").asText());
        assertEquals("write", created.path("scope").asText());
        assertFalse(created.path("expiresAt").isNull());

        assertEquals("admin", api.get("/user", bearer(token)).expect(200).path("name").asText());
        assertEquals("admin", api.get("/user", basic("admin", token)).expect(200).path("name").asText());
    }

    @Test
    void tokenListShowsMetadataButNeverSecretOrHash() throws Exception {
        String token = api.post("/tokens", admin(), "{\"name\":\"ci\",\"scope\":\"read\"}").expect(201)
                .path("token").asText();
        ApiServer.Reply list = api.get("/tokens", admin());
        JsonNode item = list.expect(200).path("items").get(0);
        assertEquals("ci", item.path("name").asText());
        assertEquals("read", item.path("scope").asText());
        assertTrue(item.has("createdAt") && item.has("expiresAt"));
        assertFalse(item.has("token") || item.has("hash"));
        assertFalse(list.text.contains(token));
        assertFalse(list.text.contains(dev.flowstage.storage.secret.Tokens.hash(token)));
    }

    @Test
    void revokedTokenStopsWorkingAtOnce() throws Exception {
        String token = api.post("/tokens", admin(), "{\"name\":\"ci\",\"scope\":\"read\"}").expect(201)
                .path("token").asText();
        api.get("/user", bearer(token)).expect(200); // now cached by the authenticator
        api.call("DELETE", "/tokens/ci", admin(), null).expect(204);
        api.get("/user", bearer(token)).error(401, "unauthorized");
        api.call("DELETE", "/tokens/ci", admin(), null).error(404, "not_found");
    }

    @Test
    void readTokenCanOnlyReadAndCannotMintTokens() throws Exception {
        String read = api.post("/tokens", admin(), "{\"name\":\"r\",\"scope\":\"read\"}").expect(201)
                .path("token").asText();
        api.get("/user", bearer(read)).expect(200);
        assertEquals("a read-scope token can only read",
                api.post("/teams", bearer(read), "{\"name\":\"acme\"}").error(403, "forbidden"));
        api.post("/tokens", bearer(read), "{\"name\":\"w\",\"scope\":\"write\"}").error(403, "forbidden");
    }

    @Test
    void writeTokenCannotManageTokensOrMembers() throws Exception {
        String write = api.post("/tokens", admin(), "{\"name\":\"w\",\"scope\":\"write\"}").expect(201)
                .path("token").asText();
        assertTrue(api.post("/tokens", bearer(write), "{\"name\":\"a\",\"scope\":\"admin\"}")
                .error(403, "forbidden").contains("admin scope"));
        api.get("/tokens", bearer(write)).error(403, "forbidden");
        api.post("/teams", admin(), "{\"name\":\"acme\"}").expect(201);
        api.user("bob", "bob-password");
        api.call("PUT", "/teams/acme/members/bob", bearer(write), "{\"role\":\"member\"}").error(403, "forbidden");
        // but a write token may change team config
        api.post("/teams/acme/applications", bearer(write), "{\"name\":\"factory\"}").expect(201);
    }

    @Test
    void duplicateTokenNameIs409AndBadInputIs422() throws Exception {
        api.post("/tokens", admin(), "{\"name\":\"ci\",\"scope\":\"read\"}").expect(201);
        api.post("/tokens", admin(), "{\"name\":\"ci\",\"scope\":\"read\"}").error(409, "conflict");
        assertEquals("scope must be one of read, write, admin",
                api.post("/tokens", admin(), "{\"name\":\"x\",\"scope\":\"root\"}").error(422, "invalid"));
        assertEquals("field 'scope' is required",
                api.post("/tokens", admin(), "{\"name\":\"x\"}").error(422, "missing_field"));
        api.post("/tokens", admin(), "{\"name\":\"x\",\"scope\":\"read\",\"expiresInDays\":0}")
                .error(422, "invalid_field");
        api.post("/tokens", admin(), "{\"name\":\"Bad Name\",\"scope\":\"read\"}").error(422, "invalid_name");
    }

    @Test
    void healthAndMetricsServlets() throws Exception {
        ApiServer.Reply health = api.get("//healthz", null);
        assertEquals("ok", health.expect(200).path("status").asText());
        api.metrics.counter("flowstage_test_total").increment();
        ApiServer.Reply metrics = api.get("//metrics", null);
        assertEquals(200, metrics.status);
        assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.header("Content-Type"));
        assertTrue(metrics.text.contains("flowstage_test_total 1.0"), metrics.text);
    }
}
