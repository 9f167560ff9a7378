package dev.flowstage.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code flowstage healthcheck [--url URL]}: exit 0 when the server's {@code /healthz} answers 200, else 1
 * with one line saying why. For a container's HEALTHCHECK, which then needs no curl in the image.
 */
@Command(name = "healthcheck", description = {"Exit 0 if a running server answers 200 at its health URL, else 1 with"
        + " one line saying why (for a container HEALTHCHECK)."})
final class HealthCheckCommand implements Callable<Integer> {
    static final int HEALTHY = 0;
    static final int UNHEALTHY = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL",
            defaultValue = "http://127.0.0.1:${env:FLOWSTAGE_HTTP_PORT:-8080}/healthz",
            description = "health URL to ask (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--timeout-seconds", paramLabel = "N", defaultValue = "5",
            description = "give up after this many seconds (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;

    @Override
    public Integer call() throws InterruptedException {
        URI uri;
        try {
            uri = URI.create(url);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                return unhealthy("--url must be an http:// or https:// URL, not '" + url + "'");
            }
        } catch (IllegalArgumentException e) {
            return unhealthy("--url is not a URL: '" + url + "'");
        }
        Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        try {
            HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            if (answer.statusCode() == 200) {
                return HEALTHY;
            }
            return unhealthy(url + " answered HTTP " + answer.statusCode());
        } catch (HttpTimeoutException e) {
            return unhealthy(url + " did not answer within " + timeout.toSeconds() + " s");
        } catch (java.net.ConnectException e) {
            return unhealthy("cannot reach " + url + ": connection refused (is the server running?)");
        } catch (IOException e) {
            return unhealthy("cannot reach " + url + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private int unhealthy(String why) {
        spec.commandLine().getErr().println("flowstage healthcheck: unhealthy: " + why);
        return UNHEALTHY;
    }
}
