package dev.flowstage.hooks.pipeline;

/**
 * An external repository stage (SPEC §6): the snapshot is written as {@code filename} on {@code branch}
 * and read back from {@code pullBranch}. Nullable: integration (for an ssh URL), pullBranch, filename, ssh,
 * protocol (when given, {@code https} or {@code ssh}, and it must match the URL).
 */
public record GitStage(String integration, String url, String branch, String pullBranch, String filename, Ssh ssh,
                       String protocol) {
    /** A stage whose protocol is the URL's. */
    public GitStage(String integration, String url, String branch, String pullBranch, String filename, Ssh ssh) {
        this(integration, url, branch, pullBranch, filename, ssh, null);
    }

    /** An HTTPS stage. */
    public GitStage(String integration, String url, String branch, String pullBranch, String filename) {
        this(integration, url, branch, pullBranch, filename, null, null);
    }

    /**
     * How an ssh stage (an ssh:// or USER@HOST:PATH URL) connects: {@code key} and {@code passphrase}
     * (nullable) are {@code secret:PATH} references, {@code knownHosts} the pinned known_hosts line of the server.
     */
    public record Ssh(String key, String passphrase, String knownHosts) {}
}
