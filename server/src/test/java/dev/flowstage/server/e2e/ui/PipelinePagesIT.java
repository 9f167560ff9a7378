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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The pipeline list, pipeline, run and snapshots pages in a real headless Chromium against the whole
 * server: an owner creates a pipeline, adds and inserts stages and reorders them with the keyboard,
 * deploys, and sees a run turn {@code succeeded} pushed over the WebSocket (no reload); a member's
 * deploy into a protected target shows the API's refusal; a viewer gets no deploy button and the API
 * refuses them anyway; the snapshot timeline links a promotion to its source; export then import
 * round-trips. Every page passes axe-core and is saved at both widths under target/screenshots/.
 * The tests build on each other, in order.
 */
@ExtendWith(FlowstageExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelinePagesIT {
    private static final String T = "/api/v1/teams/acme";
    private TestServer server;
    private TestUser olive;
    private TestUser mia;
    private TestUser vera;
    private Browser browser;
    private String devFirst;

    @BeforeAll
    void setUp(TestServer server) {
        this.server = server;
        ApiClient admin = server.admin();
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"acme\"}");
        admin.expect(201, "POST", T + "/applications", "{\"name\":\"line\"}");
        olive = server.newUser("olive");
        mia = server.newUser("mia");
        vera = server.newUser("vera");
        admin.expect(201, "PUT", T + "/members/olive", "{\"role\":\"owner\"}");
        admin.expect(201, "PUT", T + "/members/mia", "{\"role\":\"member\"}");
        admin.expect(201, "PUT", T + "/members/vera", "{\"role\":\"viewer\"}");
        admin.expect(201, "POST", T + "/instances", "{\"name\":\"dev\",\"application\":\"line\"}");
        admin.expect(201, "POST", T + "/instances", "{\"name\":\"qa\",\"application\":\"line\"}");
        admin.expect(201, "POST", T + "/instances", "{\"name\":\"prod\",\"application\":\"line\",\"protected\":true}");

        GitCli git = new GitCli(server.workDir().resolve("home-ui"));
        Path dev = server.workDir().resolve("ui-dev");
        git.ok(server.workDir(), "clone", "http://olive:" + olive.token() + "@127.0.0.1:" + server.httpPort()
                + "/git/acme/dev.git", dev.toString());
        try {
            Files.writeString(dev.resolve("flows.json"),
                    "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Line\"},"
                            + "{\"id\":\"n1\",\"type\":\"inject\",\"z\":\"t1\",\"name\":\"tick\",\"x\":100,\"y\":80,\"wires\":[]}]\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        git.ok(dev, "add", ".");
        git.ok(dev, "commit", "-q", "-m", "Line flow");
        git.ok(dev, "push", "-q", "origin", "HEAD:main");
        devFirst = git.ok(dev, "rev-parse", "HEAD").trim();
        browser = new Browser(server.httpBase());
    }

    @AfterAll
    void tearDown() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    @Order(1)
    void anOwnerCreatesAPipelineInsertsAStageAndReordersItWithTheKeyboard() {
        browser.signIn("olive", olive.password());
        browser.open("#/t/acme/pipelines");
        browser.waitForText(Browser.testId("pipelines-empty"), "No pipelines yet");
        browser.type("new-pipeline-name", "line-1");
        new Select(browser.byTestId("new-pipeline-application")).selectByVisibleText("line");
        click("new-pipeline-submit");
        browser.waitForText(Browser.testId("page-title"), "Pipeline line-1");
        browser.waitUntilLive();

        addStage("add-stage", "dev", "dev");
        addStage("add-stage", "prod", "prod");
        addStage("insert-before-prod", "qa", "qa");
        assertThat(stageOrder()).containsExactly("dev", "qa", "prod");
        assertThat(apiStageOrder()).containsExactly("dev", "qa", "prod");

        // keyboard: the handle takes the arrow keys, keeps the focus and says where the stage went
        WebElement handle = browser.byTestId("move-qa");
        handle.sendKeys(Keys.ARROW_LEFT);
        browser.waitFor(d -> stageOrder().equals(List.of("qa", "dev", "prod")));
        assertThat(apiStageOrder()).containsExactly("qa", "dev", "prod");
        assertThat(browser.byTestId("stage-announce").getText()).isEqualTo("Stage qa moved to position 1 of 3.");
        assertThat(browser.script("return document.activeElement.dataset.testid")).isEqualTo("move-qa");
        browser.driver().switchTo().activeElement().sendKeys(Keys.ARROW_RIGHT);
        browser.waitFor(d -> stageOrder().equals(List.of("dev", "qa", "prod")));
        assertThat(apiStageOrder()).containsExactly("dev", "qa", "prod");

        // the owner sees the webhook URL and can pause the triggers
        assertThat(browser.byTestId("webhook-url").getText()).contains("/api/v1/teams/acme/pipelines/line-1/hooks/");
        click("pause");
        browser.waitForText(Browser.testId("trigger-state"), "Paused");
        assertThat(server.admin().get(T + "/pipelines/line-1").json().path("paused").asBoolean()).isTrue();
        click("resume");
        browser.waitForText(Browser.testId("trigger-state"), "Active");

        browser.open("#/t/acme/pipelines");
        browser.waitForText(Browser.testId("pipeline-line-1"), "dev ➜ qa ➜ prod");
        browser.assertAccessible();
        browser.screenshots("pipelines");
    }

    @Test
    @Order(2)
    void aDeployedRunTurnsSucceededWithoutAReload() {
        browser.open("#/t/acme/pipelines/line-1");
        browser.waitForText(Browser.testId("stage-behind-qa"), "Behind dev by 1 snapshot");
        browser.waitUntilLive();
        browser.script("window.__sameDocument = 'yes'");

        click("deploy-dev");
        String first = browser.waitFor(d -> {
            String id = newestRun();
            return id.isEmpty() ? null : id;
        });
        waitForRunOnPage(first, "succeeded");
        browser.waitForText(Browser.testId("stage-behind-qa"), "Up to date with dev");

        // into protected prod: the confirmation names the target; the run waits for a review, then an
        // approval made elsewhere (the API) turns it succeeded on this page through the event stream alone
        click("deploy-qa");
        assertThat(browser.byTestId("confirm-dialog").getText()).contains("instance prod");
        click("confirm-ok");
        String second = browser.waitFor(d -> {
            String id = newestRun();
            return id.equals(first) ? null : id;
        });
        waitForRunOnPage(second, "awaiting_approval");
        long review = server.admin().get(T + "/pipelines/line-1/runs/" + second).json().path("reviewId").asLong();
        server.as(olive).expect(200, "POST", T + "/reviews/" + review + "/approve", "{}");
        waitForRunOnPage(second, "succeeded");
        assertThat(browser.script("return window.__sameDocument")).as("the page was not reloaded").isEqualTo("yes");
        browser.waitForText(Browser.testId("stage-behind-prod"), "Up to date with qa");
        browser.assertAccessible();
        browser.screenshots("pipeline");

        WebElement runLink = browser.byTestId("run-" + second).findElement(By.linkText("#" + second));
        browser.script("arguments[0].scrollIntoView({block: 'center'})", runLink);
        runLink.click();
        browser.waitForText(Browser.testId("page-title"), "Run #" + second);
        assertThat(browser.byTestId("run-status").getAttribute("data-status")).isEqualTo("succeeded");
        assertThat(browser.byTestId("run-log").getText()).isNotBlank();
        assertThat(browser.byTestId("run-review").getText()).isEqualTo("Review #" + review);
        browser.assertAccessible();
        browser.screenshots("run");
    }

    @Test
    @Order(3)
    void aRefusedDeployShowsTheApisMessageAndAViewerHasNoDeployButton() {
        ApiClient.Response refused = server.as(mia).post(T + "/pipelines/line-1/stages/qa/deploy", "{}");
        assertThat(refused.status()).isEqualTo(403);
        String message = refused.json().at("/error/message").asText();
        assertThat(message).isNotBlank();

        browser.driver().manage().deleteAllCookies();
        browser.signIn("mia", mia.password());
        browser.open("#/t/acme/pipelines/line-1");
        click("deploy-qa");
        click("confirm-ok");
        WebElement error = browser.waitForText(Browser.testId("stage-error-qa"), message);
        assertThat(error.getText()).isEqualTo(message);
        assertThat(browser.all(Browser.testId("add-stage"))).as("members do not edit stages").isEmpty();
        assertThat(browser.all(Browser.testId("webhook-url"))).as("only owners see the webhook").isEmpty();

        browser.driver().manage().deleteAllCookies();
        browser.signIn("vera", vera.password());
        browser.open("#/t/acme/pipelines/line-1");
        browser.byTestId("stage-dev");
        browser.byTestId("runs");
        assertThat(browser.all(By.cssSelector("[data-testid^='deploy-']"))).isEmpty();
        ApiClient.Response viewer = server.as(vera).post(T + "/pipelines/line-1/stages/dev/deploy", "{}");
        assertThat(viewer.status()).isEqualTo(403);
        assertThat(viewer.json().at("/error/message").asText()).startsWith("viewers cannot run pipelines");
    }

    @Test
    @Order(4)
    void theTimelineLinksAPromotionToItsSourceAndExportThenImportRoundTrips() {
        browser.driver().manage().deleteAllCookies();
        browser.signIn("olive", olive.password());
        JsonNode qaHead = server.admin().get(T + "/instances/qa/snapshots?limit=1").json().path("items").path(0);
        String promoted = qaHead.path("id").asText();
        assertThat(qaHead.path("source").asText()).isEqualTo("acme/dev@" + devFirst);

        browser.open("#/t/acme/instances/qa/snapshots");
        WebElement source = browser.byTestId("source-link-" + promoted);
        assertThat(source.getText()).isEqualTo("dev@" + devFirst.substring(0, 7));
        browser.assertAccessible();
        browser.screenshots("snapshots");
        source.click();
        browser.waitForText(Browser.testId("page-title"), "Snapshots of dev");
        WebElement pointed = browser.byTestId("snap-" + devFirst);
        browser.waitFor(d -> pointed.getAttribute("class").contains("is-focus"));

        browser.open("#/t/acme/instances/dev/snapshots");
        click("export-" + devFirst);
        browser.type("export-secret-" + devFirst, "round-trip-secret");
        click("export-go-" + devFirst);
        String exported = browser.byTestId("export-json-" + devFirst).getAttribute("value");
        assertThat(exported).contains("\"flows\"").contains("tick");

        browser.script("arguments[0].value = arguments[1]", browser.byTestId("import-json"), exported);
        browser.type("import-secret", "round-trip-secret");
        click("import-submit");
        String imported = browser.waitFor(d -> {
            String id = server.admin().get(T + "/instances/dev/snapshots?limit=1").json().path("items").path(0)
                    .path("id").asText();
            return id.equals(devFirst) ? null : id;
        });
        browser.byTestId("snap-" + imported);
        JsonNode before = server.admin().get(T + "/instances/dev/snapshots/" + devFirst).json().path("files");
        JsonNode after = server.admin().get(T + "/instances/dev/snapshots/" + imported).json().path("files");
        assertThat(after.path("flows.json")).isEqualTo(before.path("flows.json"));
        assertThat(server.admin().get(T + "/instances/dev/snapshots/" + imported).json().path("name").asText())
                .as("the export's name names the imported snapshot").isEqualTo("Line flow");

        // compare any two: by default the newest against the one before; the link goes to the compare page
        assertThat(browser.byTestId("compare-link").getAttribute("href"))
                .endsWith("#/t/acme/instances/dev/compare/" + devFirst + "/" + imported);

        // an import refused by the API shows its message
        browser.script("arguments[0].value = arguments[1]", browser.byTestId("import-json"), "{\"flows\": 3}");
        click("import-submit");
        ApiClient.Response bad = server.as(olive).post(T + "/instances/dev/snapshots/import",
                "{\"snapshot\":{\"flows\":3},\"secret\":\"round-trip-secret\"}");
        assertThat(bad.status()).isBetween(400, 499);
        String first = bad.json().at("/error/message").asText().lines().findFirst().orElseThrow();
        browser.waitForText(Browser.testId("import-error"), first);
    }

    /** Waits until the pipeline page shows run {@code id} with {@code status}; says what it showed if not. */
    private void waitForRunOnPage(String id, String status) {
        try {
            browser.waitFor(d -> {
                List<WebElement> badge = browser.all(Browser.testId("run-status-" + id));
                return !badge.isEmpty() && status.equals(badge.get(0).getAttribute("data-status"));
            });
        } catch (TimeoutException e) {
            List<WebElement> runs = browser.all(Browser.testId("runs"));
            throw new AssertionError("run " + id + " never showed " + status + " on the page; the API says "
                    + server.admin().get(T + "/pipelines/line-1/runs/" + id).body() + "; the page shows "
                    + (runs.isEmpty() ? "no runs table" : runs.get(0).getText()) + "; live: " + browser.liveState(), e);
        }
    }

    /** Clicks the element in the middle of the viewport, clear of the toasts at the bottom. */
    private void click(String testId) {
        WebElement e = browser.byTestId(testId);
        browser.script("arguments[0].scrollIntoView({block: 'center'})", e);
        e.click();
    }

    private void addStage(String opener, String name, String target) {
        click(opener);
        browser.type("stage-form-name", name);
        new Select(browser.byTestId("stage-form-kind")).selectByValue("instance");
        browser.waitFor(d -> !new Select(browser.byTestId("stage-form-target")).getOptions().isEmpty());
        new Select(browser.byTestId("stage-form-target")).selectByValue(target);
        click("stage-form-submit");
        browser.byTestId("stage-" + name);
    }

    private List<String> stageOrder() {
        List<String> names = new ArrayList<>();
        for (WebElement card : browser.all(By.cssSelector("[data-testid='stages'] > li[data-stage]"))) {
            names.add(card.getAttribute("data-stage"));
        }
        return names;
    }

    private List<String> apiStageOrder() {
        List<String> names = new ArrayList<>();
        server.admin().get(T + "/pipelines/line-1").json().path("stages").forEach(s -> names.add(s.path("name").asText()));
        return names;
    }

    private String newestRun() {
        return server.admin().get(T + "/pipelines/line-1/runs?limit=1").json().path("items").path(0).path("id").asText();
    }
}
