package dev.flowstage.server.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The upstream sync card in a real browser. Instance "dst" follows instance "src" of the same server over
 * HTTPS (the server's own Git, its self-signed certificate as the CA, Basic auth from team secrets, as in
 * UpstreamIT). An owner resumes, syncs, sees the card follow a new remote commit without a reload, sees the
 * banner when no sync was heard of for over twice the interval (the page's clock moved ahead), and pauses; a
 * viewer gets no buttons, and the API refuses the calls anyway.
 */
@ExtendWith(FlowstageExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamPageIT {
    private static final String T = "/api/v1/teams/up";
    private TestServer server;
    private TestUser rita;
    private TestUser victor;
    private Browser browser;

    @BeforeAll
    void setUp(TestServer server) throws Exception {
        this.server = server;
        ApiClient admin = server.admin();
        rita = server.newUser("rita");
        victor = server.newUser("victor");
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"up\"}");
        admin.expect(201, "POST", T + "/applications", "{\"name\":\"app\"}");
        admin.expect(201, "PUT", T + "/members/rita", "{\"role\":\"owner\"}");
        admin.expect(201, "PUT", T + "/members/victor", "{\"role\":\"viewer\"}");
        for (String i : new String[] {"src", "dst"}) {
            admin.expect(201, "POST", T + "/instances", "{\"name\":\"" + i + "\",\"application\":\"app\"}");
        }
        admin.expect(200, "PUT", T + "/secrets/git/user", "{\"value\":\"rita\"}");
        admin.expect(200, "PUT", T + "/secrets/git/pass", "{\"value\":\"" + rita.token() + "\"}");
        ObjectNode config = JsonNodeFactory.instance.objectNode()
                .put("url", "https://127.0.0.1:" + server.httpsPort() + "/git/up/src.git").put("protocol", "https")
                .put("branch", "main").put("intervalSeconds", 120).put("caCert", Files.readString(server.tlsCertificate()));
        config.putObject("auth").put("username", "secret:git/user").put("password", "secret:git/pass");
        admin.expect(200, "PUT", T + "/instances/dst/upstream", config.toString());
        browser = new Browser(server.httpBase());
    }

    @AfterAll
    void tearDown() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void anOwnerResumesSyncsAndPausesAndTheCardFollowsLive() throws Exception {
        push("[{\"id\":\"a\",\"type\":\"inject\"},{\"id\":\"b\",\"type\":\"ui_button\"}]", "First");
        browser.signIn("rita", rita.password()).open("#/t/up/instances/dst/upstream");
        assertThat(state()).isEqualTo("paused");
        browser.waitUntilLive();
        browser.script("window.__sameDocument = true");

        browser.byTestId("upstream-resume").click();
        browser.byTestId("upstream-pause");
        browser.byTestId("upstream-sync").click();
        browser.waitFor(d -> "in_sync".equals(state()));
        browser.waitForText(Browser.testId("remote-message"), "First");
        assertThat(browser.byTestId("behind").getText()).isEqualTo("0 behind");
        assertThat(browser.byTestId("npm-install").getText()).isEqualTo("npm install node-red-dashboard");
        assertThat(browser.driver().findElement(Browser.testId("stale-banner")).isDisplayed()).as("no stale banner").isFalse();
        browser.assertAccessible();
        browser.screenshots("upstream");

        // a new remote commit, synced by someone else: the card follows over the event stream
        push("[{\"id\":\"a\",\"type\":\"inject\"}]", "Second");
        server.admin().expect(202, "POST", T + "/instances/dst/upstream/sync", null);
        browser.waitForText(Browser.testId("remote-message"), "Second");
        browser.waitFor(d -> "in_sync".equals(state()));
        assertThat(browser.byTestId("local-message").getText()).startsWith("Sync from");

        // no sync heard of for more than twice the interval (2 min): the page's clock jumps 10 min ahead
        browser.script("const real = Date.now; window.__realNow = real; Date.now = () => real() + 10 * 60 * 1000;");
        assertThat(browser.byTestId("stale-banner").getText()).startsWith("No sync for 1")
                .contains("more than twice the interval (2 min)");
        browser.screenshots("upstream-stale");
        browser.script("Date.now = window.__realNow;");
        browser.waitFor(d -> !d.findElement(Browser.testId("stale-banner")).isDisplayed());

        browser.byTestId("upstream-pause").click();
        browser.waitFor(d -> "paused".equals(state()));
        browser.byTestId("upstream-resume");
        assertThat(server.admin().expect(200, "GET", T + "/instances/dst/upstream", null).json()
                .path("config").path("active").asBoolean()).isFalse();
        assertThat(browser.script("return window.__sameDocument === true")).as("no reload").isEqualTo(true);
    }

    @Test
    void aViewerSeesNoButtonsAndTheApiRefusesThem() {
        try (Browser viewer = new Browser(server.httpBase())) {
            viewer.signIn("victor", victor.password()).open("#/t/up/instances/dst/upstream");
            viewer.byTestId("upstream-state");
            assertThat(viewer.byTestId("owner-only").getText()).isEqualTo("Only team owners can pause, resume or sync now.");
            for (String button : new String[] {"upstream-pause", "upstream-resume", "upstream-sync"}) {
                assertThat(viewer.all(Browser.testId(button))).as(button).isEmpty();
            }
            viewer.assertAccessible();
            viewer.screenshots("upstream-viewer");
        }
        ApiClient asVictor = server.as(victor);
        for (String verb : new String[] {"pause", "resume", "sync"}) {
            ApiClient.Response r = asVictor.post(T + "/instances/dst/upstream/" + verb, null);
            assertThat(r.status()).as(verb + ": " + r).isEqualTo(403);
        }
    }

    private String state() {
        return browser.byTestId("upstream-state").getAttribute("data-state");
    }

    private void push(String flows, String message) throws Exception {
        GitCli git = new GitCli(server.workDir().resolve("home"));
        Path work = server.workDir().resolve("src-" + System.nanoTime());
        git.ok(server.workDir(), "clone", "-q", "http://rita:" + rita.token() + "@127.0.0.1:" + server.httpPort()
                + "/git/up/src.git", work.toString());
        Files.writeString(work.resolve("flows.json"), flows + "\n");
        git.ok(work, "add", ".");
        git.ok(work, "commit", "-q", "-m", message);
        git.ok(work, "push", "-q", "origin", "HEAD:main");
    }
}
