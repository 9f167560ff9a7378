package dev.flowstage.hooks.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WebhookStoreTest {
    @TempDir
    Path data;
    TeamFixture fx;
    WebhookStore store;

    @BeforeEach
    void start() throws Exception {
        fx = new TeamFixture(data);
        store = new WebhookStore(fx.teams, fx.secrets, Clock.systemUTC(),
                dev.flowstage.hooks.outbound.AddressPolicy.parse("127.0.0.1"));
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    @Test
    void aWebhookIsAConfigFileWithItsUrlAndSecretSealed() {
        store.create("acme", "olive", "ci", "https://ci.example.test/hook/T0KEN-in-path", List.of("run", "push"),
                "s3cret-value");
        byte[] file = fx.teams.team("acme").orElseThrow().extraFiles().get("webhooks/ci.json");
        String text = new String(file, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"origin\": \"https://ci.example.test\""), text);
        assertFalse(text.contains("T0KEN-in-path"), text);
        assertFalse(text.contains("\"url\""), text);
        assertFalse(text.contains("s3cret-value"), text);
        Webhook w = store.get("acme", "ci").orElseThrow();
        assertEquals("https://ci.example.test/hook/T0KEN-in-path", w.url().toString());
        assertEquals(Set.of("push", "run"), w.events());
        assertEquals("s3cret-value", store.secret(w).orElseThrow());
        assertEquals(List.of("ci"), store.list("acme").stream().map(Webhook::name).toList());

        store.delete("acme", "olive", "ci");
        assertTrue(store.list("acme").isEmpty());
    }

    @Test
    void badInputIsRefusedWithAMessage() {
        assertEquals("'url' must be an http or https URL", assertThrows(MetaInvalidException.class,
                () -> store.create("acme", "olive", "x", "ftp://example.test/", List.of("push"), null)).getMessage());
        assertEquals("'url' must name a host", assertThrows(MetaInvalidException.class,
                () -> store.create("acme", "olive", "x", "http:///path", List.of("push"), null)).getMessage());
        assertEquals("'url' must not carry credentials: use a secret to sign deliveries",
                assertThrows(MetaInvalidException.class, () -> store.create("acme", "olive", "x",
                        "https://user:pw@example.test/", List.of("push"), null)).getMessage());
        assertEquals("'url': address 10.1.2.3 is not allowed for outbound calls (private); allow it with --outbound-allow",
                assertThrows(MetaInvalidException.class, () -> store.create("acme", "olive", "x",
                        "http://10.1.2.3:8080/hook", List.of("push"), null)).getMessage());
        assertEquals("'deploy' is not an event type (use audit, device, push, review, run, upstream)",
                assertThrows(MetaInvalidException.class, () -> store.create("acme", "olive", "x",
                        "https://example.test/", List.of("deploy"), null)).getMessage());
        assertEquals("'events' must list at least one of audit, device, push, review, run, upstream",
                assertThrows(MetaInvalidException.class, () -> store.create("acme", "olive", "x",
                        "https://example.test/", List.of(), null)).getMessage());
        assertTrue(assertThrows(MetaInvalidException.class, () -> store.create("acme", "olive", "Bad_Name",
                "https://example.test/", List.of("push"), null)).getMessage().contains("webhook name"));

        store.create("acme", "olive", "ci", "https://example.test/", List.of("push"), null);
        assertEquals("webhook 'ci' already exists in team 'acme'", assertThrows(MetaConflictException.class,
                () -> store.create("acme", "olive", "ci", "https://example.test/", List.of("push"), null)).getMessage());
        assertEquals("webhook 'nope' not found in team 'acme'", assertThrows(MetaNotFoundException.class,
                () -> store.delete("acme", "olive", "nope")).getMessage());
    }

    @Test
    void aFileReadFromAPushIsCheckedWithTheSameRules() {
        assertEquals("webhooks/ci.json: 'url' must be an http or https URL", assertThrows(MetaInvalidException.class,
                () -> WebhookFiles.parse("webhooks/ci.json",
                        "{\"url\":\"file:///etc/passwd\",\"events\":[\"push\"]}".getBytes(StandardCharsets.UTF_8),
                        fx.secrets))
                .getMessage());
        assertEquals("webhooks/ci.json: 'events' must be a list of event types", assertThrows(MetaInvalidException.class,
                () -> WebhookFiles.parse("webhooks/ci.json",
                        "{\"url\":\"https://x.test/\",\"events\":\"push\"}".getBytes(StandardCharsets.UTF_8),
                        fx.secrets))
                .getMessage());
    }

    @Test
    void aPushedFileMustKeepTheUrlSealedByThisServer() {
        WebhookConfigRule rule = new WebhookConfigRule(fx.secrets, dev.flowstage.hooks.outbound.AddressPolicy.parse(""));
        store.create("acme", "olive", "ci", "https://ci.example.test/hook", List.of("push"), null);
        assertEquals(List.of(), rule.problems(fx.teams.team("acme").orElseThrow()));

        byte[] plain = "{\"url\":\"https://x.test/hook\",\"events\":[\"push\"]}".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("webhooks/ci.json: 'url' must not be kept in plain text (whoever reads the configuration"
                + " could call it); set webhook URLs through the API, which stores them sealed"),
                rule.problems(fx.teams.team("acme").orElseThrow().withExtraFile("webhooks/ci.json", plain)));
        byte[] forged = "{\"sealedUrl\":\"v1:Zm9yZ2Vk\",\"events\":[\"push\"]}".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of("webhooks/ci.json: 'sealedUrl' is not a value sealed by this server;"
                + " set webhook URLs through the API"),
                rule.problems(fx.teams.team("acme").orElseThrow().withExtraFile("webhooks/ci.json", forged)));
    }

    @Test
    void filesOfAnOlderVersionAreReadAndThenSealedInOneCommit() {
        byte[] plain = "{\"url\":\"https://old.example.test/hook/OLD-TOKEN\",\"events\":[\"push\"]}"
                .getBytes(StandardCharsets.UTF_8);
        fx.teams.edit("acme", "olive", "old version", c -> c.withExtraFile("webhooks/old.json", plain));
        assertEquals("https://old.example.test/hook/OLD-TOKEN", store.get("acme", "old").orElseThrow().url().toString());

        assertEquals(1, store.sealPlainUrls("acme"));
        String text = new String(fx.teams.team("acme").orElseThrow().extraFiles().get("webhooks/old.json"),
                StandardCharsets.UTF_8);
        assertFalse(text.contains("OLD-TOKEN"), text);
        assertEquals("https://old.example.test/hook/OLD-TOKEN", store.get("acme", "old").orElseThrow().url().toString());
        assertEquals(0, store.sealPlainUrls("acme"));
    }
}
