package dev.flowstage.server.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.GitCli;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
import org.openqa.selenium.WebElement;

/**
 * The review page in a real browser against the whole server: a deploy into a protected instance opens a
 * review; its picture marks exactly the one node the change touched (and, for another change, exactly the
 * one node it added), with the legend; clicking the node shows its property and code diff; a member's
 * approval is refused with the API's own message; an owner's approval merges it and the instance's main
 * moves; removed, moved and rewired nodes get marks of their own. The compare page draws the diff between two
 * commits the same way. With two approvals needed, another owner's approval (and its comment, as text) appears
 * on the open page without a reload, and an owner's comment typed in the page goes with their approval.
 */
@ExtendWith(FlowstageExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReviewPageIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEAM = "draw";
    private static final String F0 = """
            [{"id":"t1","type":"tab","label":"Line"},
             {"id":"n1","type":"inject","z":"t1","name":"Tick","x":120,"y":80,"wires":[["f1"]]},
             {"id":"f1","type":"function","z":"t1","name":"Parse","func":"return msg;","outputs":1,"x":300,"y":80,"wires":[["d1"]]},
             {"id":"d1","type":"debug","z":"t1","active":true,"tosidebar":true,"complete":"false","x":480,"y":80,"wires":[]}]
            """;
    /** One node changed: the function's name and code. */
    private static final String F1 = F0.replace("\"Parse\",\"func\":\"return msg;\"",
            "\"Answer\",\"func\":\"msg.payload = 42;\\nreturn msg;\"");
    /** One node added: an unwired comment. */
    private static final String F2 = F1.replace("\"wires\":[]}]", "\"wires\":[]},\n"
            + " {\"id\":\"c1\",\"type\":\"comment\",\"z\":\"t1\",\"name\":\"Added note\",\"x\":300,\"y\":160,\"wires\":[]}]");

    private TestServer server;
    private ApiClient admin;
    private TestUser olga;
    private TestUser mia;
    private GitCli git;
    private Path work;
    private Browser browser;

    @BeforeAll
    void setUp(TestServer server) throws Exception {
        this.server = server;
        admin = server.admin();
        olga = server.newUser("olga");
        mia = server.newUser("mia");
        admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"" + TEAM + "\"}");
        admin.expect(201, "POST", "/api/v1/teams/" + TEAM + "/applications", "{\"name\":\"line\"}");
        admin.expect(201, "PUT", "/api/v1/teams/" + TEAM + "/members/olga", "{\"role\":\"owner\"}");
        admin.expect(201, "PUT", "/api/v1/teams/" + TEAM + "/members/mia", "{\"role\":\"member\"}");
        admin.expect(201, "POST", "/api/v1/teams/" + TEAM + "/instances", "{\"name\":\"stage\",\"application\":\"line\"}");
        admin.expect(201, "POST", "/api/v1/teams/" + TEAM + "/instances",
                "{\"name\":\"prod\",\"application\":\"line\",\"protected\":true}");
        admin.expect(201, "POST", "/api/v1/teams/" + TEAM + "/pipelines", """
                {"name":"line-1","application":"line","stages":[
                  {"name":"stage","instance":"stage"},
                  {"name":"prod","instance":"prod"}]}""");
        git = new GitCli(server.workDir().resolve("home"));
        work = server.workDir().resolve("stage");
        git.ok(server.workDir(), "clone", "http://olga:" + olga.token() + "@127.0.0.1:" + server.httpPort() + "/git/"
                + TEAM + "/stage.git", work.toString());
        // prod starts with F0, through a first review approved over the API
        long first = proposeToProd(F0, "Line flow");
        admin.expect(200, "POST", "/api/v1/teams/" + TEAM + "/reviews/" + first + "/approve", "{}");
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
    void thePictureMarksTheChangedNodeAndAnOwnersApprovalMovesTheTarget() throws Exception {
        String stageBefore = head("stage");
        long review = proposeToProd(F1, "Answer with 42");
        String prodBefore = head("prod");

        // a member sees the review, but approving it is refused with the API's own words
        String refusal = server.as(mia).post("/api/v1/teams/" + TEAM + "/reviews/" + review + "/approve", "{}")
                .json().at("/error/message").asText();
        assertThat(refusal).contains("owner");
        signInAs(mia);
        openReview(review);
        assertOnlyMarked("f1", "changed");
        browser.byTestId("review-approve").click();
        assertThat(browser.waitForText(By.cssSelector("[data-testid='review-message'] [data-testid='error']"), refusal)
                .getText()).isEqualTo(refusal);
        assertThat(browser.byTestId("review-state").getAttribute("data-state")).isEqualTo("open");
        assertThat(head("prod")).isEqualTo(prodBefore);
        browser.screenshots("review-refused");
        signOut();

        signInAs(olga);
        openReview(review);
        WebElement picture = browser.byTestId("flow-picture");
        assertThat(picture.getAttribute("data-tab-id")).isEqualTo("t1");
        // drawn where the flow puts it: x/y (300, 80) is the node's centre; the box is 30 high and as wide as
        // the editor makes it, at least 100 and growing in steps of 20
        WebElement f1 = markedNodes().get(0);
        WebElement body = f1.findElement(By.cssSelector("rect.fd-body"));
        int width = Integer.parseInt(body.getAttribute("width"));
        assertThat(width).isGreaterThanOrEqualTo(100).matches(w -> w % 20 == 0, "a multiple of 20");
        assertThat(body.getAttribute("height")).isEqualTo("30");
        assertThat(f1.getAttribute("transform")).isEqualTo("translate(" + (300 - width / 2) + ",65)");
        assertThat(picture.findElements(By.cssSelector("g.fd-wire"))).hasSize(2);
        WebElement legend = browser.byTestId("flow-legend");
        assertThat(legend.getText()).contains("added", "removed", "changed (1)", "moved", "rewired");
        assertThat(browser.byTestId("review-approvals").getText()).isEqualTo("0 of 1 approval");

        f1.click();
        WebElement detail = browser.byTestId("node-detail");
        assertThat(detail.getAttribute("data-node-id")).isEqualTo("f1");
        assertThat(detail.getAttribute("data-change")).isEqualTo("changed");
        WebElement name = detail.findElement(By.cssSelector("[data-testid='property-diff'] tr[data-property='name']"));
        assertThat(name.getText()).contains("\"Parse\"", "\"Answer\"");
        WebElement code = detail.findElement(By.cssSelector("[data-testid='line-diff'][data-property='func']"));
        assertThat(code.findElements(By.cssSelector("tr.ld-add")).stream().map(WebElement::getText))
                .anySatisfy(line -> assertThat(line).contains("+msg.payload = 42;"));
        // one line added before the unchanged one
        assertThat(code.findElements(By.cssSelector("tr.ld-del"))).isEmpty();
        assertThat(code.findElements(By.cssSelector("tr.ld-ctx")).stream().map(WebElement::getText))
                .anySatisfy(line -> assertThat(line).contains("return msg;"));
        assertThat(f1.getAttribute("class")).contains("fd-selected");
        browser.assertAccessible();
        browser.screenshots("review-picture");

        browser.byTestId("review-approve").click();
        browser.waitFor(d -> "merged".equals(browser.byTestId("review-state").getAttribute("data-state")));
        assertThat(browser.byTestId("review-result").getText()).contains("merged");
        assertThat(browser.byTestId("review-approvals").getText()).isEqualTo("1 of 1 approval");
        assertThat(browser.byTestId("review-approvers").getText()).startsWith("olga");
        assertThat(browser.byTestId("review-against").getText()).contains("before the review was merged");
        JsonNode merged = admin.get("/api/v1/teams/" + TEAM + "/reviews/" + review).json();
        assertThat(merged.path("state").asText()).isEqualTo("merged");
        String mergedCommit = merged.path("mergedCommit").asText();
        assertThat(browser.byTestId("review-merged").getText()).isEqualTo(mergedCommit.substring(0, 7));
        await().atMost(Duration.ofSeconds(30)).until(() -> head("prod").equals(mergedCommit));
        assertThat(mergedCommit).isNotEqualTo(prodBefore);
        browser.screenshots("review-merged");

        // the compare page draws the same change between two commits of the stage instance
        browser.open("#/t/" + TEAM + "/instances/stage/compare/" + stageBefore + "/" + head("stage"));
        browser.byTestId("compare-page");
        browser.byTestId("flow-picture");
        assertOnlyMarked("f1", "changed");
        browser.assertAccessible();
        browser.screenshots("compare");
        signOut();
    }

    @Test
    @Order(2)
    void anAddedNodeIsTheOnlyOneMarkedAdded() throws Exception {
        // the first test merged F1 into prod: F2 adds one node to it
        long review = proposeToProd(F2, "Add a note");
        signInAs(olga);
        openReview(review);
        assertOnlyMarked("c1", "added");
        assertThat(browser.byTestId("flow-legend").getText()).contains("added (1)");
        markedNodes().get(0).click();
        WebElement detail = browser.byTestId("node-detail");
        assertThat(detail.getAttribute("data-change")).isEqualTo("added");
        assertThat(detail.findElement(By.cssSelector("[data-testid='node-properties']")).getText()).contains("Added note");
        // the list says the same, and its entry leads back to the node in the picture
        List<WebElement> listed = browser.all(By.cssSelector("[data-testid='diff-node']"));
        assertThat(listed).extracting(e -> e.getAttribute("data-node-id") + " " + e.getAttribute("data-change"))
                .containsExactly("c1 added");
        browser.screenshots("review-added");

        // rejected with a comment from the page
        browser.type("review-comment", "Notes belong in the info tab");
        browser.byTestId("review-reject").click();
        browser.waitFor(d -> "rejected".equals(browser.byTestId("review-state").getAttribute("data-state")));
        assertThat(browser.byTestId("review-decision-comment").getText()).isEqualTo("Notes belong in the info tab");
        assertThat(browser.all(Browser.testId("review-approve"))).isEmpty();
        JsonNode rejected = admin.get("/api/v1/teams/" + TEAM + "/reviews/" + review).json();
        assertThat(rejected.path("state").asText()).isEqualTo("rejected");
        assertThat(rejected.path("comment").asText()).isEqualTo("Notes belong in the info tab");
        signOut();
    }

    @Test
    @Order(3)
    void removedMovedAndRewiredNodesEachGetTheirOwnMark() throws Exception {
        // prod holds F1: move the inject, delete the debug node, which leaves the function's wire empty
        ArrayNode flows = (ArrayNode) JSON.readTree(F1);
        ObjectNode inject = (ObjectNode) flows.get(1);
        inject.put("x", 140).put("y", 140);
        ((ObjectNode) flows.get(2)).putArray("wires").addArray();
        flows.remove(3);
        long review = proposeToProd(JSON.writeValueAsString(flows), "Drop the debug node");
        signInAs(olga);
        openReview(review);
        List<WebElement> marked = markedNodes();
        assertThat(marked).extracting(e -> e.getAttribute("data-node-id") + " " + e.getAttribute("data-change"))
                .containsExactlyInAnyOrder("n1 moved", "f1 rewired", "d1 removed");
        // the removed node is drawn where it was, with the removed wire that led to it; the moved one where it is,
        // with an outline where it was
        WebElement removed = browser.visible(By.cssSelector("[data-testid='flow-node'][data-node-id='d1']"));
        int dw = Integer.parseInt(removed.findElement(By.cssSelector("rect.fd-body")).getAttribute("width"));
        assertThat(removed.getAttribute("transform")).isEqualTo("translate(" + (480 - dw / 2) + ",65)");
        assertThat(browser.all(By.cssSelector("g.fd-wire-removed[data-from='f1'][data-to='d1']"))).hasSize(1);
        WebElement moved = browser.visible(By.cssSelector("[data-testid='flow-node'][data-node-id='n1']"));
        int w = Integer.parseInt(moved.findElement(By.cssSelector("rect.fd-body")).getAttribute("width"));
        assertThat(moved.getAttribute("transform")).isEqualTo("translate(" + (140 - w / 2) + ",125)");
        assertThat(browser.all(By.cssSelector("[data-testid='flow-ghost'][data-node-id='n1']"))).hasSize(1);
        // three kinds, three colours
        assertThat(marked.stream().map(e -> e.findElement(By.cssSelector("rect.fd-mark")).getAttribute("stroke"))
                .distinct()).hasSize(3);
        assertThat(browser.byTestId("flow-legend").getText()).contains("removed (1)", "moved (1)", "rewired (1)");
        moved.click();
        assertThat(browser.byTestId("node-detail").getText()).contains("from x 120, y 80 to x 140, y 140");
        browser.screenshots("review-removed-moved-rewired");
        signOut();
        admin.expect(200, "POST", "/api/v1/teams/" + TEAM + "/reviews/" + review + "/reject", "{}");
    }

    @Test
    @Order(4)
    void anotherOwnersApprovalAppearsLiveAndAnOwnersCommentGoesWithTheApproval() throws Exception {
        // prod now takes two approvals
        admin.expect(200, "PUT", "/api/v1/teams/" + TEAM + "/pipelines/line-1", """
                {"name":"line-1","application":"line","stages":[
                  {"name":"stage","instance":"stage"},
                  {"name":"prod","instance":"prod","approval":{"required":2}}]}""");
        long review = proposeToProd(F1.replace("\"Tick\"", "\"Every tick\""), "Rename the inject");
        String path = "/api/v1/teams/" + TEAM + "/reviews/" + review;
        signInAs(olga);
        openReview(review);
        WebElement progress = browser.byTestId("review-approval-progress");
        assertThat(progress.getAttribute("data-required")).isEqualTo("2");
        assertThat(progress.getText()).contains("0 of 2 approvals", "2 more needed");
        assertThat(browser.byTestId("review-no-approvals").getText()).isEqualTo("No approvals yet.");
        assertThat(browser.byTestId("review-comment").getAccessibleName()).isEqualTo("Comment (sent with Approve or Reject)");

        // olga starts writing while another owner approves through the API: the page shows that approval, with
        // its comment as text, without a reload, and what olga typed stays
        browser.waitUntilLive();
        browser.script("window.__sameDocument = true");
        String typed = "Checked the rename.\nThe dashboard still reads it.";
        browser.type("review-comment", typed);
        String markup = "Fine by me <img src=x onerror=\"document.title='pwned'\"> & <b>ship it</b>";
        JsonNode first = admin.expect(200, "POST", path + "/approve",
                JSON.writeValueAsString(JSON.createObjectNode().put("comment", markup))).json();
        String adminName = first.at("/approvals/0/user").asText();
        browser.waitFor(d -> browser.all(Browser.testId("review-approval")).size() == 1);
        assertThat(browser.script("return window.__sameDocument === true")).isEqualTo(true);
        WebElement adminApproval = browser.byTestId("review-approval");
        assertThat(adminApproval.getAttribute("data-user")).isEqualTo(adminName);
        assertThat(adminApproval.findElement(Browser.testId("review-approval-comment")).getText()).isEqualTo(markup);
        assertThat(adminApproval.findElements(By.cssSelector("img, b"))).as("a comment is never markup").isEmpty();
        assertThat(adminApproval.findElement(Browser.testId("review-approval-time")).getAttribute("datetime"))
                .isEqualTo(first.at("/approvals/0/at").asText());
        assertThat(browser.byTestId("review-approval-progress").getText()).contains("1 of 2 approvals", "1 more needed");
        assertThat(browser.byTestId("review-approvals").getText()).isEqualTo("1 of 2 approvals");
        assertThat(browser.byTestId("review-comment").getAttribute("value")).isEqualTo(typed);
        assertThat(browser.byTestId("review-state").getAttribute("data-state")).isEqualTo("open");
        browser.assertAccessible();
        browser.screenshots("review-approval-live");

        // olga approves with what she typed: the second approval merges it and carries her comment
        String prodBefore = head("prod");
        browser.byTestId("review-approve").click();
        browser.waitFor(d -> "merged".equals(browser.byTestId("review-state").getAttribute("data-state")));
        List<WebElement> approvals = browser.all(Browser.testId("review-approval"));
        assertThat(approvals).extracting(e -> e.getAttribute("data-user")).containsExactly(adminName, "olga");
        assertThat(approvals.get(1).findElement(Browser.testId("review-approval-comment")).getText())
                .isEqualTo(typed);
        assertThat(browser.byTestId("review-approval-progress").getText()).contains("2 of 2 approvals");
        JsonNode merged = admin.get(path).json();
        assertThat(merged.path("state").asText()).isEqualTo("merged");
        assertThat(merged.at("/approvals/1/user").asText()).isEqualTo("olga");
        assertThat(merged.at("/approvals/1/comment").asText()).isEqualTo(typed);
        assertThat(merged.at("/approvals/0/comment").asText()).isEqualTo(markup);
        await().atMost(Duration.ofSeconds(30)).until(() -> merged.path("mergedCommit").asText().equals(head("prod")));
        assertThat(head("prod")).isNotEqualTo(prodBefore);
        assertThat(browser.driver().getTitle()).doesNotContain("pwned");
        browser.assertAccessible();
        browser.screenshots("review-approval-comments");

        // a too-long comment typed in the page is refused with the API's own message
        long next = proposeToProd(F1.replace("\"Tick\"", "\"Each tick\""), "Rename it again");
        openReview(next);
        browser.script("arguments[0].value = arguments[1]", browser.byTestId("review-comment"), "y".repeat(2001));
        browser.byTestId("review-approve").click();
        assertThat(browser.waitForText(By.cssSelector("[data-testid='review-message'] [data-testid='error']"),
                "comment must be at most 2000 characters, not 2001").isDisplayed()).isTrue();
        assertThat(admin.get("/api/v1/teams/" + TEAM + "/reviews/" + next).json().path("approvals")).isEmpty();
        signOut();
        admin.expect(200, "POST", "/api/v1/teams/" + TEAM + "/reviews/" + next + "/reject", "{}");
    }

    /** Signs in as {@code user}, whoever the browser was signed in as before. */
    private void signInAs(TestUser user) {
        browser.open("");
        browser.driver().manage().deleteAllCookies();
        browser.signIn(user.name(), user.password());
    }

    private void openReview(long id) {
        browser.open("#/t/" + TEAM + "/reviews/" + id);
        browser.waitFor(d -> String.valueOf(id).equals(browser.byTestId("review-page").getAttribute("data-review-id")));
        browser.byTestId("flow-picture");
    }

    /** The nodes of the shown picture that carry a change mark. */
    private List<WebElement> markedNodes() {
        return browser.all(By.cssSelector("[data-testid='flow-picture'] [data-testid='flow-node']:not([data-change='none'])"));
    }

    private void assertOnlyMarked(String id, String change) {
        List<WebElement> all = browser.all(By.cssSelector("[data-testid='flow-picture'] [data-testid='flow-node']"));
        assertThat(all).hasSizeGreaterThan(1);
        assertThat(markedNodes()).extracting(e -> e.getAttribute("data-node-id") + " " + e.getAttribute("data-change"))
                .containsExactly(id + " " + change);
        assertThat(browser.all(By.cssSelector("[data-testid='flow-picture'] [data-testid='flow-group']"))
                .stream().filter(g -> !"none".equals(g.getAttribute("data-change")))).isEmpty();
    }

    private void signOut() {
        browser.byTestId("sign-out").click();
        browser.byTestId("signin-form");
    }

    /** The newest commit of a target's main, or null before its first. */
    private String head(String instance) {
        JsonNode items = admin.get("/api/v1/teams/" + TEAM + "/instances/" + instance + "/snapshots?limit=1").json()
                .path("items");
        return items.isEmpty() ? null : items.get(0).path("id").asText();
    }

    /** Pushes {@code flows} to the stage instance and deploys its stage: the run waits on a review of prod. */
    private long proposeToProd(String flows, String message) throws Exception {
        Files.writeString(work.resolve("flows.json"), flows);
        git.ok(work, "add", "flows.json");
        git.ok(work, "commit", "-q", "-m", message);
        git.ok(work, "push", "-q", "origin", "HEAD:main");
        String run = admin.expect(202, "POST", "/api/v1/teams/" + TEAM + "/pipelines/line-1/stages/stage/deploy", "{}")
                .json().path("run").path("id").asText();
        JsonNode waiting = await().atMost(Duration.ofSeconds(60)).until(
                () -> admin.get("/api/v1/teams/" + TEAM + "/pipelines/line-1/runs/" + run).json(),
                r -> {
                    String s = r.path("status").asText();
                    if (s.equals("failed") || s.equals("rejected")) {
                        throw new AssertionError("run " + run + " ended " + s + ": " + r);
                    }
                    return s.equals("awaiting_approval");
                });
        return waiting.path("reviewId").asLong();
    }
}
