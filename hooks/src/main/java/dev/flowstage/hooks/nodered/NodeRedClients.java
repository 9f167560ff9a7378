package dev.flowstage.hooks.nodered;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.Lazy;
import dev.flowstage.storage.meta.NodeRedLink;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.secret.SecretBox;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Objects;

/** Makes {@link NodeRedClient}s for instances, opening their sealed Admin API tokens; one HTTP client for all. */
public final class NodeRedClients {
    /** How long a Node-RED may take to accept a connection and to answer. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final SecretBox secrets;
    private final Duration timeout;
    private final ObjectMapper json = NodeRedJson.MAPPER;
    /** Made on first use: building one starts a selector thread and loads the TLS stack, off the start-up path. */
    private final Lazy<HttpClient> http;

    public NodeRedClients(SecretBox secrets, Duration timeout) {
        this.secrets = Objects.requireNonNull(secrets);
        this.timeout = timeout;
        // Node.js drops connections that ask to upgrade to h2c, which Java's client does by default.
        this.http = new Lazy<>(() -> HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER).build());
    }

    /** The client of {@code target}'s Node-RED. @throws IllegalArgumentException when it has no nodeRed link */
    public NodeRedClient connect(Target target) {
        NodeRedLink link = target.nodeRed();
        if (link == null || link.url() == null) {
            throw new IllegalArgumentException(target.kind().json() + " '" + target.name() + "' has no nodeRed.url");
        }
        String token = link.sealedToken() == null ? null : secrets.open(link.sealedToken());
        return new NodeRedClient(http.get(), json, link.url(), token, timeout);
    }

    /** The mapper the clients parse flows with (numbers kept exact). */
    public ObjectMapper json() {
        return json;
    }
}
