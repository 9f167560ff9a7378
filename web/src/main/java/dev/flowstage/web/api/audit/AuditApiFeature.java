package dev.flowstage.web.api.audit;

import dev.flowstage.hooks.audit.AuditLog;
import dev.flowstage.storage.audit.AuditStore;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import org.glassfish.jersey.internal.inject.AbstractBinder;

/**
 * The audit log's side of the API, for {@code apiResourceConfig.register(...)}: the filter that records
 * every successful change and the endpoints that read the logs. Relies on the
 * {@link dev.flowstage.web.api.TeamGuard} that {@link dev.flowstage.web.api.ApiResourceConfig} binds.
 */
public final class AuditApiFeature implements Feature {
    private final AuditLog audit;
    private final AuditStore store;

    public AuditApiFeature(AuditLog audit, AuditStore store) {
        this.audit = audit;
        this.store = store;
    }

    @Override
    public boolean configure(FeatureContext context) {
        context.register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(store).to(AuditStore.class);
            }
        });
        context.register(new AuditFilter(audit));
        context.register(TeamAuditResource.class);
        context.register(SiteAuditResource.class);
        return true;
    }
}
