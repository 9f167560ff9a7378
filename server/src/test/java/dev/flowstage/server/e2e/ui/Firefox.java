package dev.flowstage.server.e2e.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A headless Firefox (Debian's {@code firefox-esr}) on the web UI of a test server, driven over
 * WebDriver BiDi — Firefox's own protocol, so no geckodriver: the process is started with a fresh
 * profile and {@code --remote-debugging-port=0} (Firefox picks a free port and prints it), and the
 * page is driven by navigating, evaluating scripts and taking screenshots. Every JavaScript error and
 * {@code console.error} the page logs is collected for {@link #takeErrors()}. One browser per test
 * class; {@link #close()} ends the session and the process and removes the profile.
 */
public final class Firefox implements AutoCloseable {
    static final int WIDTH = 1280;
    static final int HEIGHT = 800;
    private static final Duration START = Duration.ofSeconds(180);
    private static final Duration COMMAND = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern LISTENING = Pattern.compile("WebDriver BiDi listening on (ws://\\S+)");
    private static final Path WORK = Path.of("target", "firefox");

    private final String base;
    private final Process process;
    private final Path profile;
    private final Path log;
    private final List<String> errors = new ArrayList<>();
    private final BidiSocket bidi;
    private final String context;

    private Firefox(String base) throws Exception {
        this.base = base.replaceAll("/+$", "");
        Files.createDirectories(WORK);
        this.profile = Files.createTempDirectory(WORK.toAbsolutePath(), "profile-");
        this.log = profile.resolveSibling(profile.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder(executable().toString(), "--headless",
                "--remote-debugging-port=0", "--profile", profile.toString(), "--no-remote", "about:blank")
                .redirectErrorStream(true);
        pb.environment().put("MOZ_CRASHREPORTER_DISABLE", "1");
        pb.environment().put("MOZ_HEADLESS", "1");
        this.process = pb.start();
        CompletableFuture<String> listening = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(listening), "firefox-output");
        pump.setDaemon(true);
        pump.start();
        BidiSocket socket = null;
        try {
            String url = listening.get(START.toSeconds(), TimeUnit.SECONDS);
            socket = BidiSocket.connect(URI.create(url + "/session"), this::event, COMMAND);
            socket.send("session.new", capabilities(), START);
            ObjectNode subscribe = BidiSocket.params();
            subscribe.putArray("events").add("log.entryAdded");
            socket.send("session.subscribe", subscribe, COMMAND);
            this.context = socket.send("browsingContext.getTree", BidiSocket.params(), COMMAND)
                    .path("contexts").path(0).path("context").asText();
            this.bidi = socket;
            viewport(WIDTH, HEIGHT);
        } catch (TimeoutException e) {
            stopProcess();
            throw new IllegalStateException("Firefox did not start its WebDriver BiDi server within " + START
                    + "; its output is in " + log, e);
        } catch (Exception | Error e) {
            if (socket != null) {
                socket.close();
            }
            stopProcess();
            throw e;
        }
    }

    /** Starts Firefox for the server at {@code base} (e.g. {@code http://127.0.0.1:PORT}). */
    public static Firefox start(String base) throws Exception {
        return new Firefox(base);
    }

    private static Path executable() {
        String configured = System.getenv("FLOWSTAGE_FIREFOX");
        Path p = Path.of(configured != null && !configured.isBlank() ? configured : "/usr/bin/firefox-esr");
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(p + " is missing: install Debian's Firefox "
                    + "(apt-get install -y firefox-esr), as .ci/run does, or set FLOWSTAGE_FIREFOX");
        }
        return p;
    }

    private static ObjectNode capabilities() {
        ObjectNode params = BidiSocket.params();
        params.putObject("capabilities").putObject("alwaysMatch").put("acceptInsecureCerts", false);
        return params;
    }

    /** Copies the process's output to the log file and reports the BiDi address once Firefox prints it. */
    private void pump(CompletableFuture<String> listening) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); Writer out = Files.newBufferedWriter(log)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    listening.complete(m.group(1));
                }
            }
        } catch (IOException e) {
            listening.completeExceptionally(e);
        }
        listening.completeExceptionally(new IllegalStateException("Firefox exited before it listened for "
                + "WebDriver BiDi; its output is in " + log));
    }

    private void event(JsonNode message) {
        if (!"log.entryAdded".equals(message.path("method").asText())) {
            return;
        }
        JsonNode entry = message.path("params");
        if ("error".equals(entry.path("level").asText())) {
            synchronized (errors) {
                errors.add(entry.path("type").asText() + ": " + entry.path("text").asText());
            }
        }
    }

    /** The JavaScript errors and {@code console.error} calls logged since the last call, then forgets them. */
    public List<String> takeErrors() {
        synchronized (errors) {
            List<String> taken = List.copyOf(errors);
            errors.clear();
            return taken;
        }
    }

    /** Loads a route of the UI, e.g. {@code "#/t/acme"} ({@code ""} for the start page), until the load completes. */
    public Firefox open(String hash) {
        ObjectNode params = BidiSocket.params().put("context", context).put("url", base + "/" + hash)
                .put("wait", "complete");
        bidi.send("browsingContext.navigate", params, COMMAND);
        return this;
    }

    /** Evaluates {@code expression} in the page (promises awaited) and returns it as a string. */
    public String eval(String expression) {
        ObjectNode params = BidiSocket.params().put("expression", "String(" + expression + ")")
                .put("awaitPromise", true);
        params.putObject("target").put("context", context);
        JsonNode result = bidi.send("script.evaluate", params, COMMAND);
        if ("exception".equals(result.path("type").asText())) {
            throw new IllegalStateException("the page threw evaluating " + expression + ": "
                    + result.path("exceptionDetails").path("text").asText());
        }
        return result.path("result").path("value").asText();
    }

    /** Waits until {@code condition} (a JavaScript expression) is true in the page. */
    public void waitUntil(String condition, String what) {
        String[] last = {""};
        try {
            Awaitility.await(what).atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .ignoreException(IllegalStateException.class)
                    .until(() -> {
                        last[0] = eval("!!(" + condition + ")");
                        return "true".equals(last[0]);
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Firefox: " + what + " did not happen within " + WAIT + " (page "
                    + eval("location.href") + ", its h1: '" + eval("document.querySelector('h1')?.textContent") + "')",
                    e);
        }
    }

    /** Types into the input with this {@code data-testid} as a user would: value set, input event fired. */
    public void type(String testId, String text) {
        eval("(() => { const e = document.querySelector(" + selector(testId) + "); e.focus(); e.value = "
                + jsString(text) + "; e.dispatchEvent(new Event('input', {bubbles: true}));"
                + " e.dispatchEvent(new Event('change', {bubbles: true})); return true; })()");
    }

    /** Clicks the element with this {@code data-testid}. */
    public void click(String testId) {
        eval("(() => { document.querySelector(" + selector(testId) + ").click(); return true; })()");
    }

    /** Waits for the element with this {@code data-testid} to be in the page and shown. */
    public void waitForTestId(String testId) {
        waitUntil("document.querySelector(" + selector(testId) + ")?.offsetParent != null",
                "[data-testid=" + testId + "] shows");
    }

    /** Signs in through the start page's form; waits for the top bar to name the user. */
    public Firefox signIn(String user, String password) {
        open("");
        waitForTestId("signin-form");
        type("signin-user", user);
        type("signin-password", password);
        click("signin-submit");
        waitUntil("document.querySelector(\"[data-testid='user-name']\")?.textContent === " + jsString(user),
                "the top bar names " + user);
        return this;
    }

    /** The state of the page's event stream: connecting, open, down, reconnecting, refused or idle. */
    public String liveState() {
        return eval("document.documentElement.dataset.live || ''");
    }

    /** Saves the page as {@code target/screenshots/firefox-NAME.png}. */
    public Path screenshot(String name) {
        JsonNode shot = bidi.send("browsingContext.captureScreenshot",
                BidiSocket.params().put("context", context), COMMAND);
        Path png = Browser.SCREENSHOTS.resolve("firefox-" + name + ".png");
        try {
            Files.createDirectories(png.getParent());
            Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return png;
    }

    /** Sets the page's viewport to {@code width}×{@code height} CSS pixels. */
    public void viewport(int width, int height) {
        ObjectNode params = BidiSocket.params().put("context", context);
        params.putObject("viewport").put("width", width).put("height", height);
        bidi.send("browsingContext.setViewport", params, COMMAND);
    }

    private static String selector(String testId) {
        return jsString("[data-testid='" + testId + "']");
    }

    static String jsString(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    @Override
    public void close() {
        try {
            bidi.send("session.end", BidiSocket.params(), Duration.ofSeconds(20));
        } catch (RuntimeException e) {
            // the process is stopped below either way
        } finally {
            bidi.close();
            stopProcess();
        }
    }

    private void stopProcess() {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        all.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                all.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(30, TimeUnit.SECONDS);
            }
            for (ProcessHandle p : all) {
                p.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            all.forEach(ProcessHandle::destroyForcibly);
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove Firefox's profile " + profile, e);
        }
    }
}
