package dev.flowstage.web.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.git.GitLimits;
import dev.flowstage.storage.meta.User;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Too many failed sign-ins answer 429 with Retry-After, over Git HTTP and the REST API alike; tokens still work. */
class LoginThrottleOverHttpTest {
    @TempDir
    Path tmp;
    private GitServerFixture server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        server = new GitServerFixture(tmp, GitLimits.DEFAULTS, MainMovedListener.NONE);
        // mia (member of acme) also has a password
        String hash = server.hasher.hash("right password");
        server.site.updateUser("mia", u -> new User(u.name(), hash, u.admin(), u.createdAt(), u.keys(), u.tokens()));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void tenWrongPasswordsThenGitOverHttpAnswers429WithRetryAfter() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertEquals(401, infoRefs(basic("mia", "wrong " + i)).statusCode());
        }
        // Refused without a check, even with the right password
        HttpResponse<String> throttled = infoRefs(basic("mia", "right password"));
        assertEquals(429, throttled.statusCode());
        assertEquals("60", throttled.headers().firstValue("Retry-After").orElse(""));
        assertEquals("flowstage: too many failed sign-in attempts: try again in 60 seconds\n", throttled.body());

        GitCli.Result git = server.git.run(tmp, "ls-remote", server.gitBase().replace("http://", "http://mia:right%20password@")
                + "acme/dev.git");
        assertFalse(git.ok(), git.output());
        assertTrue(git.output().contains("429"), git.output());

        // A personal access token is not throttled
        assertEquals(200, infoRefs(basic("mia", server.tokens.get("mia"))).statusCode());
    }

    @Test
    void tenWrongPasswordsThenTheApiAnswers429InItsErrorShape() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertEquals(401, apiUser(basic("mia", "wrong " + i)).statusCode());
        }
        HttpResponse<String> throttled = apiUser(basic("mia", "right password"));
        assertEquals(429, throttled.statusCode());
        assertEquals("60", throttled.headers().firstValue("Retry-After").orElse(""));
        JsonNode error = new ObjectMapper().readTree(throttled.body()).path("error");
        assertEquals("too_many_attempts", error.path("code").asText());
        assertEquals("too many failed sign-in attempts: try again in 60 seconds", error.path("message").asText());
        // The lockout is mia's, not everyone's, and mia's token still works
        assertEquals(200, apiUser(basic("olga", server.tokens.get("olga"))).statusCode());
        assertEquals(200, apiUser("Bearer " + server.tokens.get("mia")).statusCode());
    }

    @Test
    void fiftyFailuresFromOneAddressThrottleIt() throws Exception {
        // Wrong tokens cost no hash but still count against the caller's address
        for (int i = 0; i < 49; i++) {
            assertEquals(401, apiUser("Bearer fsp_wrong" + i).statusCode());
        }
        HttpResponse<String> api = apiUser("Bearer fsp_wrong");
        assertEquals(429, api.statusCode());
        assertEquals(429, infoRefs(basic("olga", "a password")).statusCode());
        // A right token is never throttled
        assertEquals(200, apiUser("Bearer " + server.tokens.get("olga")).statusCode());
    }

    @Test
    void anUnknownUserIsThrottledLikeAKnownOne() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertEquals(401, apiUser(basic("nobody", "guess " + i)).statusCode());
        }
        assertEquals(429, apiUser(basic("nobody", "guess")).statusCode());
    }

    private HttpResponse<String> infoRefs(String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.gitBase() + "acme/dev.git/info/refs?service=git-upload-pack"))
                .header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> apiUser(String authorization) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.apiBase() + "user"))
                .header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }
}
