package dev.flowstage.hooks.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.secrets.SecretsConfigRule;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.TeamConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules an upstream configuration meets through the store (the API) and through a push of _config.git. */
class UpstreamConfigTest {
    static final String TEAM = UpstreamFixture.TEAM;
    static final String HTTPS = "https://127.0.0.1:8443/git/acme/flows.git";
    @TempDir
    Path tmp;
    UpstreamFixture f;

    @BeforeEach
    void up() throws Exception {
        f = new UpstreamFixture(tmp, Duration.ofSeconds(5));
        f.secrets.put(TEAM, "olga", "git/user", "rita");
        f.secrets.put(TEAM, "olga", "git/pass", "s3cret");
    }

    @AfterEach
    void down() {
        f.close();
    }

    private UpstreamStore.Put put(String json) {
        return f.store.put(TEAM, "olga", "line", UpstreamFixture.json(json));
    }

    private static String https(String extra) {
        return "{\"url\": \"" + HTTPS + "\", \"protocol\": \"https\", \"branch\": \"main\", \"intervalSeconds\": 120,"
                + " \"auth\": {\"username\": \"secret:git/user\", \"password\": \"secret:git/pass\"}" + extra + "}";
    }

    private String invalid(String json) {
        return assertThrows(MetaInvalidException.class, () -> put(json)).getMessage();
    }

    @Test
    void aNewConfigurationStartsPausedWithAWebhookSecretShownOnce() {
        UpstreamStore.Put p = put(https(""));
        assertFalse(p.config().active());
        assertNotNull(p.newHookSecret());
        assertEquals(p.newHookSecret(), f.store.hookSecret(p.config()).orElseThrow());
        assertEquals(null, put(https(", \"path\": \"line\"")).newHookSecret(), "a change keeps the secret");
        String file = new String(f.teams.team(TEAM).orElseThrow().extraFiles().get("upstream/line.json"), StandardCharsets.UTF_8);
        assertFalse(file.contains(p.newHookSecret()), file);
        assertFalse(file.contains("s3cret"), file);
    }

    @Test
    void anIntervalBelow120SecondsIsRefused() {
        assertEquals("'intervalSeconds' must be at least 120 (and at most 604800); got 60",
                invalid(https("").replace("120", "60")));
    }

    @Test
    void aProtocolThatDoesNotMatchTheUrlIsAMismatch() {
        assertEquals("protocol mismatch: 'protocol' is ssh but 'url' is an https URL",
                invalid(https("").replace("\"protocol\": \"https\"", "\"protocol\": \"ssh\"")));
        assertEquals("protocol mismatch: 'protocol' is https but 'url' is an ssh URL",
                invalid(https("").replace(HTTPS, "ssh://git@127.0.0.1:2222/acme/flows.git")));
    }

    @Test
    void credentialsInPlainTextAreRefused() {
        String m = invalid(https("").replace("secret:git/pass", "s3cret"));
        assertTrue(m.startsWith("'auth.password' must be a secret reference 'secret:PATH'"), m);
    }

    @Test
    void aReferenceToAMissingSecretNamesIt() {
        assertEquals("'auth.password' refers to secret 'git/nope', which does not exist: set it with"
                + " PUT /api/v1/teams/TEAM/secrets/git/nope", invalid(https("").replace("git/pass", "git/nope")));
    }

    @Test
    void sshNeedsAKeyAndAPinnedHostKey() {
        String ssh = "{\"url\": \"ssh://git@127.0.0.1:2222/acme/flows.git\", \"protocol\": \"ssh\", \"branch\": \"main\","
                + " \"intervalSeconds\": 120, \"auth\": {\"key\": \"secret:git/pass\"}}";
        assertTrue(invalid(ssh).startsWith("'knownHosts' is required for ssh"));
    }

    @Test
    void aChangeWhileActiveIsAConflict() {
        put(https(""));
        f.store.setActive(TEAM, "olga", "line", true);
        MetaConflictException e = assertThrows(MetaConflictException.class, () -> put(https(", \"path\": \"x\"")));
        assertEquals("the upstream sync of 'line' is active: pause it (POST …/upstream/pause) before changing its"
                + " configuration", e.getMessage());
        f.store.setActive(TEAM, "olga", "line", false);
        put(https(", \"path\": \"x\""));
    }

    @Test
    void aPushedConfigurationMeetsTheSameRules() {
        put(https(""));
        TeamConfig c = f.teams.team(TEAM).orElseThrow();
        UpstreamConfigRule rule = new UpstreamConfigRule(f.box, f.policy);
        assertEquals(List.of(), rule.problems(c));
        String file = new String(c.extraFiles().get("upstream/line.json"), StandardCharsets.UTF_8);
        TeamConfig bad = c.withExtraFile("upstream/line.json",
                file.replaceAll("(\"intervalSeconds\"\\s*:\\s*)120", "$160").getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("upstream/line.json: 'intervalSeconds' must be at least 120 (and at most 604800); got 60"),
                rule.problems(bad));
        TeamConfig plain = c.withExtraFile("secrets/git/pass.json", "{\"value\": \"s3cret\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("secrets/git/pass.json: 'value' must not be kept in plain text; set secrets through the API,"
                + " which stores them sealed"), new SecretsConfigRule(f.box).problems(plain));
    }
}
