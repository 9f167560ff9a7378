package dev.flowstage.web.session;

import dev.flowstage.storage.meta.SiteStore;
import jakarta.ws.rs.core.Feature;
import jakarta.ws.rs.core.FeatureContext;
import java.util.Objects;
import org.glassfish.jersey.internal.inject.AbstractBinder;

/** Browser sessions for {@code apiResourceConfig.register(...)}: the cookie filter and {@link SessionResource}. */
public final class SessionFeature implements Feature {
    private final WebSessions sessions;
    private final SiteStore site;

    public SessionFeature(WebSessions sessions, SiteStore site) {
        this.sessions = Objects.requireNonNull(sessions);
        this.site = Objects.requireNonNull(site);
    }

    @Override
    public boolean configure(FeatureContext context) {
        context.register(new AbstractBinder() {
            @Override
            protected void configure() {
                bind(sessions).to(WebSessions.class);
            }
        });
        context.register(new SessionFilter(sessions, site));
        context.register(SessionResource.class);
        return true;
    }
}
