package dev.flowstage.server.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The account page in a real browser: a token created there is shown once and works against the API;
 * revoked there, it stops working; a refused creation shows the API's message.
 */
@ExtendWith(FlowstageExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccountPageIT {
    private static final By CI_ROW = By.cssSelector("[data-testid='token-row'][data-name='ci-read']");
    private TestServer server;
    private TestUser tom;
    private Browser browser;

    @BeforeAll
    void setUp(TestServer server) {
        this.server = server;
        tom = server.newUser("tom");
        browser = new Browser(server.httpBase());
    }

    @AfterAll
    void tearDown() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void aTokenIsCreatedShownOnceWorksAndIsRevoked() {
        browser.signIn("tom", tom.password()).open("#/account");
        browser.visible(By.cssSelector("[data-testid='token-row'][data-name='test']"));

        browser.type("token-name", "ci-read");
        new Select(browser.byTestId("token-scope")).selectByValue("read");
        browser.byTestId("token-create").click();
        String token = browser.byTestId("new-token").getAttribute("value");
        assertThat(token).isNotBlank();
        browser.visible(CI_ROW);
        browser.byTestId("new-token-copy");
        browser.assertAccessible();
        browser.screenshots("account");

        ApiClient withToken = ApiClient.bearer(server.httpBase(), token);
        assertThat(withToken.expect(200, "GET", "/api/v1/user", null).get("name").asText()).isEqualTo("tom");
        assertThat(withToken.post("/api/v1/teams", "{\"name\":\"nope\"}").status()).as("a read token").isEqualTo(403);

        // the same name again: the API's message, next to the form
        browser.type("token-name", "ci-read");
        browser.byTestId("token-create").click();
        assertThat(browser.byTestId("error").getText()).contains("ci-read");

        // shown once: a fresh page has it nowhere
        browser.driver().navigate().refresh();
        browser.visible(CI_ROW);
        assertThat(browser.driver().getPageSource()).doesNotContain(token);

        browser.driver().findElement(CI_ROW).findElement(Browser.testId("token-revoke")).click();
        browser.byTestId("confirm-ok").click();
        browser.waitFor(d -> d.findElements(CI_ROW).isEmpty());
        assertThat(withToken.get("/api/v1/user").status()).isEqualTo(401);
    }
}
