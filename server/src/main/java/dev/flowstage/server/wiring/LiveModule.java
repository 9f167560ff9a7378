package dev.flowstage.server.wiring;

import dagger.Module;
import dagger.Provides;
import dev.flowstage.hooks.events.MainMovedListeners;
import dev.flowstage.hooks.nodered.FlowCapture;
import dev.flowstage.hooks.nodered.InstanceStatusStore;
import dev.flowstage.hooks.nodered.NodeRedClients;
import dev.flowstage.hooks.nodered.NodeRedDeployer;
import dev.flowstage.hooks.nodered.NodeRedServices;
import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.hooks.outbound.OutboundHttp;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.secret.SecretBox;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;

/** Live Node-RED instances: the Admin API clients, instance status, and deploy-on-main-moved. */
@Module
public interface LiveModule {
    int DEPLOY_THREADS = 2;
    /** How long any remote (Node-RED, webhook receiver) has to accept a connection; answers have their own limits. */
    Duration OUTBOUND_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    @Provides
    @Singleton
    static NodeRedClients nodeRedClients(SecretBox secrets, OutboundHttp outbound) {
        return new NodeRedClients(secrets, outbound, NodeRedClients.DEFAULT_TIMEOUT);
    }

    /** The one way out for every outbound client: the server's allow list applied to the address connected to. */
    @Provides
    @Singleton
    static OutboundConnector outbound(ServerConfig config) {
        return new OutboundConnector(config.outboundAllow());
    }

    /** The one HTTP client every outbound call shares, over {@link #outbound}; the server stops it. */
    @Provides
    @Singleton
    static OutboundHttp outboundHttp(OutboundConnector outbound) {
        return new OutboundHttp(outbound, OUTBOUND_CONNECT_TIMEOUT);
    }

    @Provides
    @Singleton
    static InstanceStatusStore instanceStatus(RepoStore repos) {
        return new InstanceStatusStore(repos);
    }

    /** Registered with the shared listeners, so pushes, reviews, imports and promotions all deploy. */
    @Provides
    @Singleton
    static NodeRedDeployer deployer(TeamStore teams, RepoStore repos, SecretBox secrets, NodeRedClients clients,
                                    InstanceStatusStore status, Clock clock, MainMovedListeners mainMoved) {
        NodeRedDeployer deployer = new NodeRedDeployer(teams, repos, secrets, clients, status, clock, DEPLOY_THREADS);
        mainMoved.add(deployer);
        return deployer;
    }

    @Provides
    @Singleton
    static FlowCapture flowCapture(RepoStore repos, NodeRedClients clients, InstanceStatusStore status,
                                   MainMovedListeners mainMoved, Clock clock) {
        return new FlowCapture(repos, clients, status, mainMoved, clock);
    }

    @Provides
    @Singleton
    static NodeRedServices nodeRedServices(FlowCapture capture, InstanceStatusStore status,
                                           MainMovedListeners mainMoved, NodeRedDeployer deployer,
                                           OutboundConnector outbound) {
        // depends on the deployer so that it is registered before the API can move main
        return new NodeRedServices(capture, status, mainMoved, outbound.policy());
    }
}
