package dev.flowstage.server.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The web UI's sign-in against the whole server: the form in a real headless Chromium (wrong password
 * shows the API's message, the right one shows the user and their teams, the event stream connects,
 * sign-out ends the session), and the session cookie's rules over plain HTTP(S): its flags, the CSRF
 * token on every state-changing request, a foreign Origin refused, and a changed password ending it.
 */
@ExtendWith(FlowstageExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignInIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SESSION = Pattern.compile("flowstage_session=([^;]*)");
    private final HttpClient http = HttpClient.newHttpClient();
    private TestServer server;
    private TestUser alice;
    private Browser browser;

    @BeforeAll
    void setUp(TestServer server) {
        this.server = server;
        ApiClient admin = server.admin();
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"acme\"}");
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"zeta\"}");
        alice = server.newUser("alice");
        admin.expect(201, "PUT", "/api/v1/teams/acme/members/alice", "{\"role\":\"owner\"}");
        admin.expect(201, "PUT", "/api/v1/teams/zeta/members/alice", "{\"role\":\"viewer\"}");
        browser = new Browser(server.httpBase());
    }

    @AfterAll
    void tearDown() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void signInInTheBrowserThenSwitchTeamsAndSignOut() {
        browser.open("");
        browser.byTestId("signin-form");
        browser.assertAccessible();
        browser.screenshots("signin");

        browser.type("signin-user", "alice");
        browser.type("signin-password", "not-her-password");
        browser.byTestId("signin-submit").click();
        assertThat(browser.waitForText(Browser.testId("error"), "wrong user name or password").getText())
                .isEqualTo("wrong user name or password");

        browser.type("signin-password", alice.password());
        browser.byTestId("signin-submit").click();
        browser.waitForText(Browser.testId("user-name"), "alice");
        // the start page goes to the first team, whose event stream the page then follows
        browser.waitFor(d -> d.getCurrentUrl().contains("#/t/"));
        browser.waitUntilLive();
        Select teams = new Select(browser.byTestId("team-switcher"));
        assertThat(teams.getOptions()).extracting(o -> o.getText()).containsExactlyInAnyOrder("acme", "zeta");
        teams.selectByVisibleText("zeta");
        browser.waitFor(d -> d.getCurrentUrl().endsWith("#/t/zeta"));
        browser.waitUntilLive();

        // an unknown team is a page saying so, not a broken one
        browser.open("#/t/nope");
        browser.waitForText(Browser.testId("team-not-found"), "does not exist or you are not a member");

        // the page's own cookie is HttpOnly: scripts cannot read it
        assertThat(browser.script("return document.cookie")).isEqualTo("");

        browser.byTestId("sign-out").click();
        browser.byTestId("signin-form");
        assertThat(browser.byTestId("signin-notice").getText()).contains("signed out");
        // and the session is gone for the server too: a reload shows the sign-in form again
        browser.driver().navigate().refresh();
        browser.byTestId("signin-form");
    }

    @Test
    void aServerRestartDropsTheEventStreamThePageSaysSoReconnectsAndStaysSignedIn() throws Exception {
        browser.signIn("alice", alice.password());
        browser.open("#/t/acme");
        browser.waitUntilLive();
        assertThat(browser.driver().findElement(Browser.testId("live-banner")).isDisplayed()).isFalse();
        // the server restarts while the browser is also cut off: the page says so and keeps trying
        browser.offline(true);
        try {
            server.restartOnSamePorts();
            browser.waitForText(Browser.testId("live-banner"), "Live updates paused");
            assertThat(browser.liveState()).isIn("down", "reconnecting");
        } finally {
            browser.offline(false);
        }
        // back, it reconnects by itself; the restart kept the session (DATA/sessions.json), so no sign-in
        browser.waitFor(d -> "open".equals(browser.liveState()));
        assertThat(browser.driver().findElement(Browser.testId("live-banner")).isDisplayed()).isFalse();
        assertThat(browser.driver().findElements(Browser.testId("signin-form"))).isEmpty();
        assertThat(browser.byTestId("user-name").getText()).isEqualTo("alice");
        Path saved = server.dataDir().resolve("sessions.json");
        assertThat(Files.getPosixFilePermissions(saved)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(saved)).doesNotContain(browser.driver().manage()
                .getCookieNamed("flowstage_session").getValue());
        browser.byTestId("sign-out").click();
        browser.byTestId("signin-form");
    }

    @Test
    void theCookieIsHttpOnlyLaxAndSecureOnlyOverHttps() throws Exception {
        HttpResponse<String> plain = signIn(http, server.httpBase(), alice);
        String cookie = plain.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Lax").contains("Path=/").doesNotContain("Secure");
        JsonNode body = JSON.readTree(plain.body());
        assertThat(body.path("user").path("name").asText()).isEqualTo("alice");
        assertThat(body.path("csrfToken").asText()).hasSizeGreaterThan(30);
        assertThat(plain.body()).doesNotContain(sessionId(plain));

        HttpClient tls = HttpClient.newBuilder().sslContext(trusting(server)).build();
        HttpResponse<String> secure = signIn(tls, "https://localhost:" + server.httpsPort(), alice);
        assertThat(secure.statusCode()).isEqualTo(200);
        assertThat(secure.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure").contains("HttpOnly");
    }

    @Test
    void everyStateChangingRequestWithTheCookieNeedsTheCsrfToken() throws Exception {
        HttpResponse<String> signedIn = signIn(http, server.httpBase(), alice);
        String id = sessionId(signedIn);
        String csrf = JSON.readTree(signedIn.body()).path("csrfToken").asText();

        // reading needs no token
        assertThat(send("GET", "/api/v1/teams/acme/applications", id, null, null, null).statusCode()).isEqualTo(200);

        HttpResponse<String> noToken = send("POST", "/api/v1/teams/acme/applications", id, null, null, "{\"name\":\"a1\"}");
        assertThat(noToken.statusCode()).isEqualTo(403);
        assertThat(noToken.body()).contains("csrf_failed").contains("X-CSRF-Token");
        HttpResponse<String> wrongToken = send("POST", "/api/v1/teams/acme/applications", id, "x" + csrf, null,
                "{\"name\":\"a1\"}");
        assertThat(wrongToken.statusCode()).isEqualTo(403);
        HttpResponse<String> otherSite = send("POST", "/api/v1/teams/acme/applications", id, csrf,
                "https://evil.example", "{\"name\":\"a1\"}");
        assertThat(otherSite.statusCode()).isEqualTo(403);
        assertThat(otherSite.body()).contains("another site");
        // none of the refused ones created anything
        assertThat(server.admin().get("/api/v1/teams/acme/applications/a1").status()).isEqualTo(404);

        HttpResponse<String> ok = send("POST", "/api/v1/teams/acme/applications", id, csrf,
                server.httpBase(), "{\"name\":\"a1\"}");
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);

        // signing out needs the token too, and ends the session for good
        assertThat(send("DELETE", "/api/v1/session", id, null, null, null).statusCode()).isEqualTo(403);
        assertThat(send("DELETE", "/api/v1/session", id, csrf, null, null).statusCode()).isEqualTo(204);
        HttpResponse<String> after = send("GET", "/api/v1/session", id, null, null, null);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).contains("your session has ended");
    }

    @Test
    void aSignInFromAnotherSiteOrWithATokenIsRefused() throws Exception {
        HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(URI.create(server.httpBase() + "/api/v1/session"))
                .header("Content-Type", "application/json").header("Origin", "https://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString(body(alice.name(), alice.password()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(server.httpBase() + "/api/v1/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(alice.name(), alice.token()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).isEqualTo(400);
        assertThat(token.body()).contains("sign in with your password, not an access token");

        // a form post (the only cross-site POST a browser sends without asking) is not JSON: refused
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(server.httpBase() + "/api/v1/session"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=alice&password=x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(415);
    }

    @Test
    void aChangedPasswordEndsTheUsersSessions() throws Exception {
        TestUser bob = server.newUser("bob-pw");
        String id = sessionId(signIn(http, server.httpBase(), bob));
        assertThat(send("GET", "/api/v1/session", id, null, null, null).statusCode()).isEqualTo(200);
        server.admin().expect(200, "PATCH", "/api/v1/users/bob-pw", "{\"password\":\"a-brand-new-password-42\"}");
        HttpResponse<String> after = send("GET", "/api/v1/session", id, null, null, null);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).contains("your session has ended");
        // the UI's calls get a challenge the browser does not answer with its own password dialog
        HttpResponse<String> ui = http.send(HttpRequest.newBuilder(URI.create(server.httpBase() + "/api/v1/session"))
                .header("X-Flowstage-UI", "1").GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ui.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Session");
    }

    @Test
    void aDeletedUsersSessionsEnd() throws Exception {
        TestUser dora = server.newUser("dora-gone");
        String id = sessionId(signIn(http, server.httpBase(), dora));
        assertThat(send("GET", "/api/v1/session", id, null, null, null).statusCode()).isEqualTo(200);
        server.admin().expect(204, "DELETE", "/api/v1/users/dora-gone", null);
        HttpResponse<String> after = send("GET", "/api/v1/session", id, null, null, null);
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).contains("your session has ended");
    }

    @Test
    void theUisFilesAreCachedByContentHashAndThePageIsNot() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(server.httpBase() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.headers().firstValue("Cache-Control").orElse("")).isEqualTo("no-cache");
        Matcher m = Pattern.compile("/ui/([0-9a-f]{12})/app\\.js").matcher(page.body());
        assertThat(m.find()).isTrue();
        HttpResponse<String> app = http.send(HttpRequest.newBuilder(URI.create(server.httpBase() + m.group())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(app.statusCode()).isEqualTo(200);
        assertThat(app.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(app.headers().firstValue("Cache-Control").orElse("")).contains("immutable");
        HttpResponse<String> stale = http.send(HttpRequest.newBuilder(URI.create(server.httpBase()
                + "/ui/000000000000/app.js")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stale.statusCode()).isEqualTo(404);
        HttpResponse<String> template = http.send(HttpRequest.newBuilder(URI.create(server.httpBase()
                + "/ui/" + m.group(1) + "/index.html")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(template.statusCode()).isEqualTo(404);
    }

    private HttpResponse<String> send(String method, String path, String session, String csrf, String origin,
                                      String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.httpBase() + path))
                .header("Cookie", "flowstage_session=" + session)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> signIn(HttpClient client, String base, TestUser user) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/session"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(user.name(), user.password()))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r;
    }

    private static String body(String user, String password) {
        return "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
    }

    private static String sessionId(HttpResponse<String> r) {
        Matcher m = SESSION.matcher(r.headers().firstValue("Set-Cookie").orElseThrow());
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static SSLContext trusting(TestServer server) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(server.tlsCertificate())) {
            ks.setCertificateEntry("flowstage", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return ssl;
    }
}
