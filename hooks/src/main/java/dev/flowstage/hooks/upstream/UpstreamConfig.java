package dev.flowstage.hooks.upstream;

import dev.flowstage.hooks.remote.RemoteProtocol;
import java.time.Instant;

/**
 * What an instance follows: {@code url} over {@code protocol}, {@code branch}, the snapshot at {@code path}
 * (a FlowFuse snapshot file or a Node-RED project folder; empty = the root), every {@code intervalSeconds}
 * plus jitter. Credentials are secret references ({@link Auth}) or a Git integration; {@code caCert} (PEM)
 * is trusted for this remote only; {@code knownHosts} pins the SSH host key. {@code active} false = paused.
 * {@code sealedHookSecret} checks the remote's push webhooks.
 */
public record UpstreamConfig(String instance, String url, RemoteProtocol protocol, String branch, String path,
                             int intervalSeconds, Auth auth, String integration, String caCert, String knownHosts,
                             boolean active, String sealedHookSecret, Instant updatedAt) {
    public static final int MIN_INTERVAL_SECONDS = 120;
    public static final int MAX_INTERVAL_SECONDS = 7 * 24 * 3600;

    /** Secret references: {@code username}/{@code password} for https, {@code key}/{@code passphrase} for ssh. */
    public record Auth(String username, String password, String key, String passphrase) {
        public boolean isEmpty() {
            return username == null && password == null && key == null && passphrase == null;
        }
    }

    public UpstreamConfig withActive(boolean a, Instant at) {
        return new UpstreamConfig(instance, url, protocol, branch, path, intervalSeconds, auth, integration, caCert,
                knownHosts, a, sealedHookSecret, at);
    }

    /** Whether following behaves the same (what a pause/resume does not change). */
    public boolean sameRemote(UpstreamConfig o) {
        return o != null && url.equals(o.url) && protocol == o.protocol && branch.equals(o.branch)
                && java.util.Objects.equals(path, o.path);
    }
}
