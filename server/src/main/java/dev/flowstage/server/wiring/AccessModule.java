package dev.flowstage.server.wiring;

import dagger.Module;
import dagger.Provides;
import dev.flowstage.hooks.access.AccessControl;
import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.CachingAuthenticator;
import dev.flowstage.hooks.access.LoginThrottle;
import dev.flowstage.hooks.audit.AuditLog;
import dev.flowstage.hooks.audit.FailedLogins;
import dev.flowstage.hooks.access.TeamAccessControl;
import dev.flowstage.hooks.access.ThrottledAuthenticator;
import dev.flowstage.hooks.events.EventBus;
import dev.flowstage.hooks.events.MainMovedListeners;
import dev.flowstage.hooks.events.PushEventsGitAccess;
import dev.flowstage.hooks.events.ReviewEventsStore;
import dev.flowstage.hooks.events.RunEventsStore;
import dev.flowstage.hooks.events.WebhookConfigRule;
import dev.flowstage.hooks.secrets.SecretsConfigRule;
import dev.flowstage.hooks.upstream.UpstreamConfigRule;
import dev.flowstage.hooks.git.DefaultGitAccess;
import dev.flowstage.hooks.git.GitAccess;
import dev.flowstage.hooks.git.GitLimits;
import dev.flowstage.hooks.nodered.NodeRedUrlConfigRule;
import dev.flowstage.hooks.pipeline.PipelineConfigRule;
import dev.flowstage.hooks.receive.ConfigPush;
import dev.flowstage.hooks.receive.ReceiveServices;
import dev.flowstage.hooks.receive.SnapshotCheck;
import dev.flowstage.hooks.review.ReviewService;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.repo.RepoStore;
import dev.flowstage.storage.review.GitReviewStore;
import dev.flowstage.storage.review.ReviewStore;
import dev.flowstage.storage.run.GitRunStore;
import dev.flowstage.storage.run.RunStore;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.storage.secret.SecretBox;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import dev.flowstage.storage.meta.TargetListeners;
import dev.flowstage.storage.signing.CommitSignatures;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Authentication, authorization and the transport-neutral Git services. */
@Module
public interface AccessModule {
    long MAX_FILE_BYTES = 32L * 1024 * 1024;

    /** Failed sign-ins over HTTP and SSH, counted in one place. */
    @Provides
    @Singleton
    static LoginThrottle loginThrottle(Clock clock, AuditLog audit) {
        return new LoginThrottle(LoginThrottle.Limits.DEFAULT, clock, new FailedLogins(audit));
    }

    @Provides
    @Singleton
    static Authenticator authenticator(SiteStore site, PasswordHasher hasher, Clock clock, LoginThrottle throttle) {
        return new ThrottledAuthenticator(new CachingAuthenticator(site, hasher, clock), throttle);
    }

    @Provides
    @Singleton
    static AccessControl accessControl(TeamStore teams) {
        return new TeamAccessControl(teams);
    }

    /** One set of "main moved" listeners shared by pushes, approved reviews and promotions. */
    @Provides
    @Singleton
    static MainMovedListeners mainMovedListeners() {
        return new MainMovedListeners();
    }

    @Provides
    @Singleton
    static ReviewStore reviewStore(RepoStore repos, Clock clock, EventBus events) {
        return new ReviewEventsStore(new GitReviewStore(repos, clock), events, clock);
    }

    @Provides
    @Singleton
    static RunStore runStore(RepoStore repos, Clock clock, EventBus events) {
        return new RunEventsStore(new GitRunStore(repos, clock), events, clock);
    }

    @Provides
    @Singleton
    static ReviewService reviewService(ReviewStore reviews, RepoStore repos, AccessControl access, Clock clock,
                                       MainMovedListeners mainMoved, CommitSignatures signer) {
        return new ReviewService(reviews, repos, access, clock, mainMoved, signer);
    }

    @Provides
    @Singleton
    static GitAccess gitAccess(RepoStore repos, TeamStore teams, AccessControl access, ServerConfig config,
                               MeterRegistry metrics, ReviewStore reviews, MainMovedListeners mainMoved,
                               SiteStore site, SecretBox secrets, EventBus events, Clock clock,
                               TargetListeners targets) {
        GitLimits limits = new GitLimits(config.maxPushSize(), MAX_FILE_BYTES, Duration.ofMinutes(10));
        ConfigPush configPush = new ConfigPush(site, secrets, repos, List.of(new PipelineConfigRule(),
                new WebhookConfigRule(secrets, config.outboundAllow()), new NodeRedUrlConfigRule(config.outboundAllow()),
                new SecretsConfigRule(secrets), new UpstreamConfigRule(secrets, config.outboundAllow())), targets);
        return new PushEventsGitAccess(new DefaultGitAccess(repos, teams, access, limits, metrics,
                new ReceiveServices(new SnapshotCheck(), reviews, mainMoved, configPush)), events, clock);
    }
}
