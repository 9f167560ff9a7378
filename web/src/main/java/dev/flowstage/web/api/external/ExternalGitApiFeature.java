package dev.flowstage.web.api.external;

import dev.flowstage.hooks.secrets.GitIntegrations;
import dev.flowstage.hooks.secrets.TeamSecrets;
import dev.flowstage.hooks.upstream.UpstreamReport;
import dev.flowstage.hooks.upstream.UpstreamScheduler;
import dev.flowstage.hooks.upstream.UpstreamStore;
import dev.flowstage.hooks.upstream.UpstreamSync;
import dev.flowstage.storage.meta.TeamStore;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import org.glassfish.jersey.internal.inject.AbstractBinder;

/**
 * The REST side of external Git, for {@code apiResourceConfig.register(...)}: secrets, Git integrations and
 * upstream sync. Relies on the {@link dev.flowstage.web.api.TeamGuard} that ApiResourceConfig binds.
 */
public final class ExternalGitApiFeature implements Feature {
    /** What the resources need. */
    public record Services(TeamStore teams, TeamSecrets secrets, GitIntegrations integrations, UpstreamStore upstream,
                           UpstreamSync sync, UpstreamScheduler scheduler, UpstreamReport report) {}

    private final Services s;

    public ExternalGitApiFeature(Services services) {
        this.s = services;
    }

    @Override
    public boolean configure(FeatureContext context) {
        context.register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(s.secrets()).to(TeamSecrets.class);
                bind(s.integrations()).to(GitIntegrations.class);
                bind(s.upstream()).to(UpstreamStore.class);
                bind(s.sync()).to(UpstreamSync.class);
                bind(s.scheduler()).to(UpstreamScheduler.class);
                bind(s.report()).to(UpstreamReport.class);
            }
        });
        context.register(SecretsResource.class);
        context.register(IntegrationsResource.class);
        context.register(UpstreamResource.class);
        return true;
    }
}
