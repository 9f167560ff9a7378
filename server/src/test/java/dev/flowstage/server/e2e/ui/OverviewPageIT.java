package dev.flowstage.server.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The team overview in a real browser: an instance pushed with the git CLI shows its commit (short SHA,
 * subject, author), the protected badge and the clone URLs, whose copy button puts the URL on the
 * clipboard; a new push shows without a reload.
 */
@ExtendWith(FlowstageExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OverviewPageIT {
    private TestServer server;
    private TestUser olga;
    private Browser browser;

    @BeforeAll
    void setUp(TestServer server) {
        this.server = server;
        ApiClient admin = server.admin();
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"acme\"}");
        admin.expect(201, "POST", "/api/v1/teams/acme/applications", "{\"name\":\"line\",\"description\":\"Line one\"}");
        admin.expect(201, "POST", "/api/v1/teams/acme/instances", "{\"name\":\"dev\",\"application\":\"line\"}");
        admin.expect(201, "POST", "/api/v1/teams/acme/instances",
                "{\"name\":\"prod\",\"application\":\"line\",\"protected\":true}");
        admin.expect(201, "POST", "/api/v1/teams/acme/groups", "{\"name\":\"hall\",\"application\":\"line\"}");
        admin.expect(201, "POST", "/api/v1/teams/acme/devices", "{\"name\":\"pi-1\",\"application\":\"line\",\"group\":\"hall\"}");
        olga = server.newUser("olga");
        admin.expect(201, "PUT", "/api/v1/teams/acme/members/olga", "{\"role\":\"member\"}");
        browser = new Browser(server.httpBase());
    }

    @AfterAll
    void tearDown() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void anInstancePushedWithGitShowsItsCommitAndItsCloneUrlCopies() throws Exception {
        GitCli git = new GitCli(server.workDir().resolve("home"));
        Path dev = server.workDir().resolve("dev");
        git.ok(server.workDir(), "clone", "-q", "http://olga:" + olga.token() + "@127.0.0.1:" + server.httpPort()
                + "/git/acme/dev.git", dev.toString());
        Files.writeString(dev.resolve("flows.json"), "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Line\"}]\n");
        git.ok(dev, "add", ".");
        git.ok(dev, "commit", "-q", "-m", "Line flow for the packing station");
        git.ok(dev, "push", "-q", "origin", "HEAD:main");
        String head = git.ok(dev, "rev-parse", "HEAD").trim();

        browser.signIn("olga", olga.password()).open("#/t/acme");
        WebElement card = card("dev");
        assertThat(text(card, "commit-subject")).isEqualTo("Line flow for the packing station");
        assertThat(text(card, "commit-sha")).isEqualTo(head.substring(0, 7));
        assertThat(text(card, "commit-author")).isEqualTo("Flow Developer");
        assertThat(text(card, "commit-age")).matches("just now|\\d+ min ago");
        assertThat(card.findElement(Browser.testId("target-state")).getAttribute("data-state")).isEqualTo("none");
        assertThat(card.findElements(Browser.testId("protected-badge"))).isEmpty();
        assertThat(text(card("prod"), "protected-badge")).isEqualTo("Protected");
        assertThat(card("prod").findElement(Browser.testId("commit-none")).getText()).isEqualTo("No snapshot yet");
        assertThat(text(card("hall"), "group-summary")).isEqualTo("0 of 1 device(s) on target, 1 offline");
        browser.visible(By.cssSelector("[data-testid='device-row'][data-name='pi-1']"));

        String httpsUrl = text(card, "clone-https");
        assertThat(httpsUrl).endsWith("/git/acme/dev.git");
        assertThat(text(card, "clone-ssh")).endsWith("/acme/dev.git").startsWith("ssh://");
        ((ChromeDriver) browser.driver()).executeCdpCommand("Browser.grantPermissions", Map.of(
                "origin", server.httpBase().replaceAll("/+$", ""),
                "permissions", java.util.List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
        WebElement copy = card.findElement(Browser.testId("copy-https"));
        copy.click();
        browser.waitFor(d -> "Copied".equals(copy.getText()));
        Object clipboard = ((ChromeDriver) browser.driver()).executeAsyncScript(
                "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('error: ' + e));");
        assertThat(clipboard).isEqualTo(httpsUrl);

        browser.assertAccessible();
        browser.screenshots("overview");

        // a new push arrives over the event stream: the card changes without a reload
        browser.waitUntilLive();
        browser.script("window.__sameDocument = true");
        Files.writeString(dev.resolve("flows.json"), "[{\"id\":\"t2\",\"type\":\"tab\",\"label\":\"Line 2\"}]\n");
        git.ok(dev, "commit", "-q", "-am", "Second line");
        git.ok(dev, "push", "-q", "origin", "HEAD:main");
        browser.waitFor(d -> "Second line".equals(text(card("dev"), "commit-subject")));
        assertThat(browser.script("return window.__sameDocument === true")).isEqualTo(true);
    }

    private WebElement card(String name) {
        return browser.visible(By.cssSelector("[data-testid='target-card'][data-name='" + name + "']"));
    }

    private static String text(WebElement in, String testId) {
        return in.findElement(Browser.testId(testId)).getText();
    }
}
