package dev.flowstage.web.api.external;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.flowstage.hooks.deps.DependencyPlan;
import dev.flowstage.hooks.remote.CaCertificate;
import dev.flowstage.hooks.upstream.UpstreamConfig;
import dev.flowstage.hooks.upstream.UpstreamReport;
import dev.flowstage.hooks.upstream.UpstreamStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET …/upstream}: the configuration (credentials only as the secret references it holds, the CA by
 * fingerprint), the status and the dependency plan; {@code webhook} only in the answer that created it.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UpstreamView(String instance, Config config, Status status, Dependencies dependencies, Webhook webhook) {
    /** The configuration as stored. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Config(String url, String protocol, String branch, String path, int intervalSeconds,
                         UpstreamConfig.Auth auth, String integration, String caFingerprint, String knownHosts,
                         boolean active) {}

    /** Where the sync stands; commits as {hash, author, date, message}. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Status(String state, String error, UpstreamStatus.RemoteCommit local, UpstreamStatus.RemoteCommit remote,
                         Integer ahead, Integer behind, String lastAttemptedRevision, String lastAppliedRevision,
                         Long review, Instant lastSyncAt, Instant nextSyncAt, int failures) {}

    /** The dependency plan of the instance's main. */
    public record Dependencies(Map<String, String> required, List<DependencyPlan.MissingType> missing,
                               List<String> missingModules, String npmInstall, String summary) {}

    /** The push webhook: where the remote calls, and its secret (shown when the configuration is created). */
    public record Webhook(String url, String secret) {}

    static UpstreamView of(UpstreamReport.View v, Webhook webhook) {
        UpstreamConfig c = v.config();
        String fingerprint = c.caCert() == null ? null : CaCertificate.parse("caCert", c.caCert()).fingerprint();
        DependencyPlan p = v.dependencies();
        return new UpstreamView(c.instance(),
                new Config(c.url(), c.protocol().json(), c.branch(), c.path(), c.intervalSeconds(),
                        c.auth() == null || c.auth().isEmpty() ? null : c.auth(), c.integration(), fingerprint,
                        c.knownHosts(), c.active()),
                new Status(v.state().json(), v.error(), v.local(), v.remote(), v.ahead(), v.behind(), v.lastAttempted(),
                        v.lastApplied(), v.review(), v.lastSyncAt(), v.nextSyncAt(), v.failures()),
                new Dependencies(p.required(), p.missing(), p.missingModules(), p.npmInstall(), p.summary()), webhook);
    }
}
