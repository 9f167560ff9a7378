package dev.flowstage.server.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * A device group's rollout page in a real browser, left open while a staged rollout runs: the run appears,
 * its waves and counts move, and each device that reports running through the device API turns
 * "on target" in its row, all without a reload.
 */
@ExtendWith(FlowstageExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroupRolloutPageIT {
    private static final String T = "/api/v1/teams/fleet";
    private final Map<String, String> tokens = new LinkedHashMap<>();
    private TestServer server;
    private TestUser owner;
    private Browser browser;

    @BeforeAll
    void setUp(TestServer server) {
        this.server = server;
        ApiClient admin = server.admin();
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"fleet\"}");
        admin.expect(201, "POST", T + "/applications", "{\"name\":\"line\"}");
        admin.expect(201, "POST", T + "/instances", "{\"name\":\"dev\",\"application\":\"line\"}");
        admin.expect(201, "POST", T + "/groups", "{\"name\":\"pis\",\"application\":\"line\"}");
        for (String d : List.of("pi-1", "pi-2", "pi-3", "pi-4")) {
            tokens.put(d, admin.expect(201, "POST", T + "/devices",
                    "{\"name\":\"" + d + "\",\"application\":\"line\",\"group\":\"pis\"}").get("token").asText());
        }
        admin.expect(201, "POST", T + "/pipelines", """
                {"name":"fleet","application":"line","stages":[{"name":"dev","instance":"dev"},
                 {"name":"pis","group":"pis","rollout":{"waves":[50,100],"waitForRunning":3600,"abortOnFailurePercent":0}}]}""");
        owner = server.newUser("gina");
        admin.expect(201, "PUT", T + "/members/gina", "{\"role\":\"owner\"}");
        browser = new Browser(server.httpBase());
    }

    @AfterAll
    void tearDown() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void devicesReportingWhileThePageIsOpenTurnOnTargetWithoutAReload() throws Exception {
        GitCli git = new GitCli(server.workDir().resolve("home"));
        Path dev = server.workDir().resolve("dev");
        git.ok(server.workDir(), "clone", "-q", "http://gina:" + owner.token() + "@127.0.0.1:" + server.httpPort()
                + "/git/fleet/dev.git", dev.toString());
        Files.writeString(dev.resolve("flows.json"), "[{\"id\":\"n1\",\"type\":\"inject\"}]\n");
        git.ok(dev, "add", ".");
        git.ok(dev, "commit", "-q", "-m", "Inject");
        git.ok(dev, "push", "-q", "origin", "HEAD:main");

        browser.signIn("gina", owner.password()).open("#/t/fleet/groups/pis");
        browser.byTestId("no-rollout");
        assertThat(rowState("pi-1")).isEqualTo("offline");
        browser.waitUntilLive();
        browser.script("window.__sameDocument = true");

        String run = server.admin().expect(202, "POST", T + "/pipelines/fleet/stages/dev/deploy", "{}").json()
                .path("run").path("id").asText();
        browser.waitForText(Browser.testId("wave-line"), "Wave 1 of 2");
        assertThat(browser.byTestId("run-link").getText()).isEqualTo("Run " + run + " of pipeline fleet");
        assertThat(browser.byTestId("count-pending").getText()).isEqualTo("2");
        String commit = server.admin().expect(200, "GET", T + "/pipelines/fleet/runs/" + run, null).json()
                .path("targetAfter").asText();

        report("pi-1", commit);
        browser.waitFor(d -> "deployed".equals(rowState("pi-1")));
        assertThat(row("pi-1").findElement(Browser.testId("device-state")).getText()).isEqualTo("✓ On target");
        assertThat(row("pi-1").findElement(Browser.testId("device-seen")).getText()).isEqualTo("just now");
        assertThat(rowState("pi-2")).isNotEqualTo("deployed");
        browser.waitForText(Browser.testId("count-onTarget"), "1");
        browser.assertAccessible();
        browser.screenshots("group-rollout");

        report("pi-2", commit);
        browser.waitForText(Browser.testId("wave-line"), "Wave 2 of 2");
        report("pi-3", commit);
        report("pi-4", commit);
        browser.waitForText(Browser.testId("run-status"), "succeeded");
        browser.waitForText(Browser.testId("count-onTarget"), "4");
        for (String d : tokens.keySet()) {
            browser.waitFor(x -> "deployed".equals(rowState(d)));
        }
        browser.waitForText(Browser.testId("summary-text"), "4 of 4 device(s) on target");
        assertThat(browser.all(By.cssSelector("[data-testid='wave'][data-phase='done']"))).hasSize(2);
        assertThat(browser.script("return window.__sameDocument === true")).as("no reload").isEqualTo(true);
        browser.screenshots("group-rollout-done");
    }

    private void report(String device, String commit) {
        JsonNode r = ApiClient.bearer(server.httpBase(), tokens.get(device)).expect(200, "POST",
                "/api/v1/devices/self/status", "{\"commit\":\"" + commit + "\",\"state\":\"running\"}").json();
        assertThat(r.path("state").asText()).isEqualTo("running");
    }

    private org.openqa.selenium.WebElement row(String device) {
        return browser.visible(By.cssSelector("[data-testid='device-row'][data-name='" + device + "']"));
    }

    private String rowState(String device) {
        WebDriver d = browser.driver();
        return d.findElement(By.cssSelector("[data-testid='device-row'][data-name='" + device + "']")).getAttribute("data-state");
    }
}
