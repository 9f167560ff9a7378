package dev.flowstage.web.api;

import dev.flowstage.hooks.access.AccessControl;
import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.nodered.NodeRedClients;
import dev.flowstage.hooks.nodered.NodeRedServices;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.hooks.outbound.OutboundHttp;
import dev.flowstage.hooks.review.ReviewService;
import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.review.GitReviewStore;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.storage.secret.SecretBox;
import java.time.Clock;
import java.util.function.Supplier;

/** Everything the REST resources need, handed to {@link ApiResourceConfig} by the server's wiring. */
public record ApiServices(SiteStore site, TeamStore teams, RepoStore repos, Authenticator authenticator,
                          AccessControl access, PasswordHasher hasher, SecretBox secrets, Clock clock,
                          Supplier<PublicUrls> publicUrls, ReviewService reviews, NodeRedServices nodeRed) {
    /**
     * Live Node-RED capture and status with nobody told of main moving, reaching public addresses only; the server passes services whose
     * listener is the one its {@code NodeRedDeployer} (and pipelines) are registered on.
     */
    public ApiServices(SiteStore site, TeamStore teams, RepoStore repos, Authenticator authenticator,
                       AccessControl access, PasswordHasher hasher, SecretBox secrets, Clock clock,
                       Supplier<PublicUrls> publicUrls, ReviewService reviews) {
        this(site, teams, repos, authenticator, access, hasher, secrets, clock, publicUrls, reviews,
                NodeRedServices.create(repos, secrets, new OutboundHttp(new OutboundConnector(AddressPolicy.PUBLIC_ONLY),
                        NodeRedClients.DEFAULT_TIMEOUT), clock, MainMovedListener.NONE));
    }

    /**
     * Reviews decided by a service of their own over a {@link GitReviewStore}, with nobody told of main
     * moving; the server should pass the one ReviewService its pipelines and deployments listen to.
     */
    public ApiServices(SiteStore site, TeamStore teams, RepoStore repos, Authenticator authenticator,
                       AccessControl access, PasswordHasher hasher, SecretBox secrets, Clock clock,
                       Supplier<PublicUrls> publicUrls) {
        this(site, teams, repos, authenticator, access, hasher, secrets, clock, publicUrls,
                new ReviewService(new GitReviewStore(repos, clock), repos, access, clock, MainMovedListener.NONE));
    }

    /** For a server whose ports are known up front (tests). */
    public ApiServices(SiteStore site, TeamStore teams, RepoStore repos, Authenticator authenticator,
                       AccessControl access, PasswordHasher hasher, SecretBox secrets, Clock clock,
                       PublicUrls urls) {
        this(site, teams, repos, authenticator, access, hasher, secrets, clock, () -> urls);
    }

    /** For a server whose ports are known up front (tests), with the given review service. */
    public ApiServices(SiteStore site, TeamStore teams, RepoStore repos, Authenticator authenticator,
                       AccessControl access, PasswordHasher hasher, SecretBox secrets, Clock clock,
                       PublicUrls urls, ReviewService reviews) {
        this(site, teams, repos, authenticator, access, hasher, secrets, clock, () -> urls, reviews);
    }

    /** For a server whose ports are known up front (tests), with the given review and Node-RED services. */
    public ApiServices(SiteStore site, TeamStore teams, RepoStore repos, Authenticator authenticator,
                       AccessControl access, PasswordHasher hasher, SecretBox secrets, Clock clock,
                       PublicUrls urls, ReviewService reviews, NodeRedServices nodeRed) {
        this(site, teams, repos, authenticator, access, hasher, secrets, clock, () -> urls, reviews, nodeRed);
    }

    /** The clone URL bases; resolved per call because ephemeral ports are only known once listening. */
    public PublicUrls urls() {
        return publicUrls.get();
    }
}
