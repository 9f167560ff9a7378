package dev.flowstage.server.e2e.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A headless Chromium (Debian's {@code chromium} + {@code chromium-driver}) on the web UI of a test
 * server: sign in, find elements by {@code data-testid}, wait for what the page shows, save
 * screenshots at 1280×800 and 375×800 under {@code target/screenshots/}, and run axe-core, failing on
 * serious or critical violations. One browser per test class; {@link #close()} ends it.
 */
public final class Browser implements AutoCloseable {
    public static final Dimension DESKTOP = new Dimension(1280, 800);
    public static final Dimension PHONE = new Dimension(375, 800);
    static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Set<String> FAILING_IMPACT = Set.of("serious", "critical");

    private final ChromeDriver driver;
    private final String base;

    public Browser(String base) {
        this.base = base.replaceAll("/+$", "");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(executable("FLOWSTAGE_CHROMEDRIVER", "/usr/bin/chromedriver").toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("FLOWSTAGE_CHROMIUM", "/usr/bin/chromium").toString());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=" + DESKTOP.width + "," + DESKTOP.height, "--lang=en-US",
                "--disable-search-engine-choice-screen", "--no-first-run");
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
        viewport(DESKTOP);
    }

    private static Path executable(String env, String fallback) {
        String configured = System.getenv(env);
        Path p = Path.of(configured != null && !configured.isBlank() ? configured : fallback);
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p + " is missing: install Debian's chromium and chromium-driver "
                    + "(apt-get install -y chromium chromium-driver), as .ci/run does, or set " + env);
        }
        return p;
    }

    public WebDriver driver() {
        return driver;
    }

    /** Opens a route of the UI, e.g. {@code "#/t/acme"} (or {@code ""} for the start page). */
    public Browser open(String hash) {
        driver.get(base + "/" + hash);
        return this;
    }

    /** Opens the start page and signs in through the form; waits for the top bar to name the user. */
    public Browser signIn(String user, String password) {
        open("");
        type("signin-user", user);
        type("signin-password", password);
        byTestId("signin-submit").click();
        waitForText(testId("user-name"), user);
        return this;
    }

    public static By testId(String id) {
        return By.cssSelector("[data-testid='" + id + "']");
    }

    /** The element with this {@code data-testid}, once it is visible. */
    public WebElement byTestId(String id) {
        return waitFor(ExpectedConditions.visibilityOfElementLocated(testId(id)));
    }

    public WebElement visible(By by) {
        return waitFor(ExpectedConditions.visibilityOfElementLocated(by));
    }

    public List<WebElement> all(By by) {
        return driver.findElements(by);
    }

    public void type(String testId, String text) {
        WebElement e = byTestId(testId);
        e.clear();
        e.sendKeys(text);
    }

    /** Waits until the element's text contains {@code text}; returns the element. */
    public WebElement waitForText(By by, String text) {
        waitFor(ExpectedConditions.textToBePresentInElementLocated(by, text));
        return driver.findElement(by);
    }

    public <T> T waitFor(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(condition::apply);
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** The state of the page's event stream: connecting, open, down, reconnecting, refused or idle. */
    public String liveState() {
        Object s = script("return document.documentElement.dataset.live || ''");
        return s == null ? "" : s.toString();
    }

    public void waitUntilLive() {
        waitFor(d -> "open".equals(liveState()));
    }

    /** Saves {@code NAME-1280x800.png} and {@code NAME-375x800.png}, then goes back to the desktop size. */
    public void screenshots(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            for (Dimension size : List.of(DESKTOP, PHONE)) {
                viewport(size);
                Path png = driver.getScreenshotAs(OutputType.FILE).toPath();
                Files.copy(png, SCREENSHOTS.resolve(name + "-" + size.width + "x" + size.height + ".png"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            viewport(DESKTOP);
        }
    }

    /** Cuts the browser off the network (true) or puts it back (false), as a dropped Wi-Fi would. */
    public void offline(boolean offline) {
        driver.executeCdpCommand("Network.enable", java.util.Map.of());
        driver.executeCdpCommand("Network.emulateNetworkConditions", java.util.Map.of(
                "offline", offline, "latency", 0, "downloadThroughput", -1, "uploadThroughput", -1));
    }

    /** Makes the page's viewport exactly {@code size} (a phone-like one below 600 px), as a device would. */
    public void viewport(Dimension size) {
        driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", java.util.Map.of(
                "width", size.width, "height", size.height, "deviceScaleFactor", 1, "mobile", size.width < 600));
        waitFor(d -> ((Number) script("return window.innerWidth")).intValue() == size.width);
    }

    /** axe-core over the current page: no serious or critical violation, at desktop and at phone width. */
    public void assertAccessible() {
        for (Dimension size : List.of(DESKTOP, PHONE)) {
            viewport(size);
            Results results = new AxeBuilder().analyze(driver);
            List<String> bad = results.getViolations().stream()
                    .filter(v -> FAILING_IMPACT.contains(v.getImpact()))
                    .map(Browser::describe)
                    .toList();
            assertThat(bad).as("axe-core serious/critical violations at %dx%d on %s", size.width, size.height,
                    driver.getCurrentUrl()).isEmpty();
        }
        viewport(DESKTOP);
    }

    private static String describe(Rule v) {
        StringBuilder sb = new StringBuilder(v.getId()).append(" (").append(v.getImpact()).append("): ")
                .append(v.getHelp());
        v.getNodes().stream().limit(5).forEach(n -> sb.append("\n    at ").append(n.getTarget())
                .append(" ").append(n.getFailureSummary() == null ? "" : n.getFailureSummary().replace('\n', ' ')));
        return sb.toString();
    }

    @Override
    public void close() {
        driver.quit();
    }
}
