package dev.flowstage.agent.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.agent.tls.ServerTrust;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * The server's device API, called with the device token as a Bearer token: who am I
 * ({@code /devices/self}), the signing key, the long-poll watch of {@code main}, and status reports.
 * Failures are {@link DeviceApiException}s whose one-line message names the server and the problem.
 */
public final class DeviceApi {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final URI base;
    private final String token;
    private final HttpClient http;

    public DeviceApi(URI server, String token, ServerTrust trust) {
        String s = server.toString();
        this.base = URI.create(s.endsWith("/") ? s : s + "/");
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (trust != null) {
            b.sslContext(trust.sslContext());
        }
        this.http = b.build();
    }

    public DeviceInfo self() {
        HttpResponse<byte[]> r = send(get("api/v1/devices/self", CALL_TIMEOUT), "reading the device");
        expect(r, 200, "reading the device");
        try {
            DeviceInfo info = JSON.readValue(r.body(), DeviceInfo.class);
            if (info.team() == null || info.name() == null) {
                throw new IOException("no team or name");
            }
            return info;
        } catch (IOException e) {
            throw new DeviceApiException(DeviceApiException.Kind.REJECTED, "the server " + base
                    + " answered GET /api/v1/devices/self with something that is not a device: is this a Flowstage server?");
        }
    }

    /** The server's OpenPGP public key, armored. */
    public String signingKey() {
        // The real server answers JSON to a client that asks for JSON first, as every other call here does.
        HttpResponse<byte[]> r = send(request("api/v1/signing-key", CALL_TIMEOUT)
                .setHeader("Accept", "application/pgp-keys").GET().build(), "reading the signing key");
        expect(r, 200, "reading the signing key");
        String armored = new String(r.body(), StandardCharsets.UTF_8);
        if (!armored.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
            throw new DeviceApiException(DeviceApiException.Kind.REJECTED, "the server " + base
                    + " answered GET /api/v1/signing-key without an armored OpenPGP public key");
        }
        return armored;
    }

    /**
     * Waits up to {@code timeoutSeconds} for the device's main to differ from {@code after}.
     *
     * @return the new commit, or empty at the timeout
     */
    public Optional<String> watch(String after, int timeoutSeconds) {
        String path = "api/v1/devices/self/watch?timeout=" + timeoutSeconds + (after == null ? "" : "&after=" + after);
        HttpResponse<byte[]> r = send(get(path, Duration.ofSeconds(timeoutSeconds + 30L)), "watching for deploys");
        if (r.statusCode() == 204) {
            return Optional.empty();
        }
        expect(r, 200, "watching for deploys");
        try {
            JsonNode commit = JSON.readTree(r.body()).path("commit");
            if (commit.isTextual() && commit.asText().matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
                return Optional.of(commit.asText());
            }
        } catch (IOException e) {
            // reported below
        }
        throw new DeviceApiException(DeviceApiException.Kind.REJECTED, "the server " + base
                + " answered the watch without a commit id");
    }

    public void status(StatusReport report) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(report);
        } catch (IOException e) {
            throw new IllegalStateException("serializing a status report", e);
        }
        HttpRequest req = request("api/v1/devices/self/status", CALL_TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<byte[]> r = send(req, "reporting status");
        if (r.statusCode() / 100 != 2) {
            expect(r, 200, "reporting status");
        }
    }

    public URI base() {
        return base;
    }

    private HttpRequest get(String path, Duration timeout) {
        return request(path, timeout).GET().build();
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    }

    private HttpResponse<byte[]> send(HttpRequest req, String what) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (HttpConnectTimeoutException e) {
            throw unavailable("did not accept a connection within 10 s while " + what);
        } catch (HttpTimeoutException e) {
            throw unavailable("did not answer in time while " + what);
        } catch (ConnectException e) {
            throw unavailable("is not reachable (connection refused) while " + what + ": is it running?");
        } catch (SSLException e) {
            throw unavailable("failed the TLS check while " + what + ": " + rootMessage(e));
        } catch (IOException e) {
            throw unavailable("could not be reached while " + what + ": " + rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable("was not heard from: interrupted while " + what);
        }
    }

    private DeviceApiException unavailable(String problem) {
        return new DeviceApiException(DeviceApiException.Kind.UNAVAILABLE, "the server " + base + " " + problem);
    }

    private void expect(HttpResponse<byte[]> r, int status, String what) {
        int s = r.statusCode();
        if (s == status) {
            return;
        }
        String why = serverMessage(r).map(m -> ": " + m).orElse("");
        if (s == 401) {
            throw new DeviceApiException(DeviceApiException.Kind.UNAUTHORIZED, "the server " + base
                    + " refused the device token (401) while " + what + why
                    + " (revoked or mistyped? provision the device again with a new token)");
        }
        if (s == 404) {
            throw new DeviceApiException(DeviceApiException.Kind.NOT_FOUND, "the server " + base
                    + " does not know this device (404) while " + what + why + " (was the device deleted?)");
        }
        if (s >= 500 || s == 429 || s == 503) {
            throw unavailable("answered " + s + " while " + what + why);
        }
        throw new DeviceApiException(DeviceApiException.Kind.REJECTED, "the server " + base + " answered " + s
                + " while " + what + why);
    }

    /** The server's own error message ({@code {"error":{"message":...}}}), cut short. */
    private static Optional<String> serverMessage(HttpResponse<byte[]> r) {
        try {
            JsonNode m = JSON.readTree(r.body()).path("error").path("message");
            if (m.isTextual()) {
                String text = m.asText().replaceAll("\\s+", " ");
                return Optional.of(text.length() > 200 ? text.substring(0, 200) + "…" : text);
            }
        } catch (IOException | RuntimeException e) {
            // not our server's error shape
        }
        return Optional.empty();
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
