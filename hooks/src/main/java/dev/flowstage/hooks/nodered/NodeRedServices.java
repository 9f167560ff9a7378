package dev.flowstage.hooks.nodered;

import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.outbound.OutboundHttp;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.secret.SecretBox;
import java.time.Clock;
import java.util.Objects;

/**
 * What the API needs of live Node-RED instances: capturing live flows, reading instance status, and the
 * listener to tell when the API itself moves a target's main (an import), the same one pushes and reviews
 * tell, so the {@link NodeRedDeployer} registered there deploys it; and the outbound policy the API checks
 * a {@code nodeRed.url} against when it is set ({@link NodeRedUrl}).
 */
public record NodeRedServices(FlowCapture capture, InstanceStatusStore status, MainMovedListener mainMoved,
                              AddressPolicy outbound) {
    public NodeRedServices {
        Objects.requireNonNull(capture, "capture");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(mainMoved, "mainMoved");
        Objects.requireNonNull(outbound, "outbound");
    }

    /**
     * The services over {@code repos}, calling Node-RED through {@code outbound} and telling {@code mainMoved}
     * when a capture or import moves main.
     */
    public static NodeRedServices create(RepoStore repos, SecretBox secrets, OutboundHttp outbound, Clock clock,
                                         MainMovedListener mainMoved) {
        InstanceStatusStore status = new InstanceStatusStore(repos);
        NodeRedClients clients = new NodeRedClients(secrets, outbound, NodeRedClients.DEFAULT_TIMEOUT);
        return new NodeRedServices(new FlowCapture(repos, clients, status, mainMoved, clock), status, mainMoved,
                outbound.connector().policy());
    }
}
