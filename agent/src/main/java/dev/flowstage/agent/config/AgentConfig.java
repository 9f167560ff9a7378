package dev.flowstage.agent.config;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;

/**
 * What {@code agent init} provisions and {@code agent run} reads: where the server is and how it is
 * trusted (a pinned certificate fingerprint or a CA file), the device and its token, the Git URL to fetch,
 * the server's signing key (armored, with its fingerprint), and the local Node-RED. Stored as JSON by
 * {@link AgentConfigFile}; {@link #toString()} never shows the token or passwords.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentConfig(
        String server,
        String team,
        String device,
        String token,
        Tls tls,
        Git git,
        SigningKey signingKey,
        NodeRed nodeRed,
        String stateDir) {

    /** How the server's TLS certificate is trusted: exactly one of the two is set for an https server. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Tls(String pinnedSha256, String caFile) {}

    /** The repository to fetch: {@code url} is https:// (Basic DEVICE:TOKEN) or ssh:// (the key file). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Git(String url, String sshKey, String sshHostKey) {
        public boolean ssh() {
            return url != null && url.startsWith("ssh://");
        }
    }

    /** The server's OpenPGP public key, armored, and the fingerprint (40 hex digits) it was pinned by. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SigningKey(String fingerprint, String armored) {}

    /** The local Node-RED: its editor URL, an Admin API token or user, and where modules are installed. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NodeRed(String url, String token, String user, String password, String userDir,
            boolean installModules) {
        @Override
        public String toString() {
            return "NodeRed[url=" + url + ", token=" + (token == null ? "none" : "***") + ", user=" + user
                    + ", userDir=" + userDir + ", installModules=" + installModules + "]";
        }
    }

    /** The state dir: {@code stateDir} when set, else {@code state} beside the config file. */
    public Path stateDir(Path configFile) {
        if (stateDir != null && !stateDir.isBlank()) {
            return Path.of(stateDir);
        }
        Path parent = configFile.toAbsolutePath().getParent();
        return parent.resolve("state");
    }

    @Override
    public String toString() {
        return "AgentConfig[server=" + server + ", device=" + team + "/" + device + ", token=***, tls=" + tls
                + ", git=" + git + ", signingKey=" + (signingKey == null ? null : signingKey.fingerprint())
                + ", nodeRed=" + nodeRed + ", stateDir=" + stateDir + "]";
    }
}
