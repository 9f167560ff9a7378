package dev.flowstage.hooks.nodered;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.outbound.OutboundHttp;
import dev.flowstage.storage.meta.NodeRedLink;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.secret.SecretBox;
import java.time.Duration;
import java.util.Objects;

/**
 * Makes {@link NodeRedClient}s for instances, opening their sealed Admin API tokens; all of them call
 * through the server's one {@link OutboundHttp}.
 */
public final class NodeRedClients {
    /** How long a Node-RED may take to answer, connecting included. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final SecretBox secrets;
    private final Duration timeout;
    private final ObjectMapper json = NodeRedJson.MAPPER;
    private final OutboundHttp http;

    public NodeRedClients(SecretBox secrets, OutboundHttp http, Duration timeout) {
        this.secrets = Objects.requireNonNull(secrets);
        this.timeout = timeout;
        this.http = Objects.requireNonNull(http);
    }

    /** The client of {@code target}'s Node-RED. @throws IllegalArgumentException when it has no nodeRed link */
    public NodeRedClient connect(Target target) {
        NodeRedLink link = target.nodeRed();
        if (link == null || link.url() == null) {
            throw new IllegalArgumentException(target.kind().json() + " '" + target.name() + "' has no nodeRed.url");
        }
        String token = link.sealedToken() == null ? null : secrets.open(link.sealedToken());
        return new NodeRedClient(http, json, link.url(), token, timeout);
    }

    /** The mapper the clients parse flows with (numbers kept exact). */
    public ObjectMapper json() {
        return json;
    }
}
