package dev.flowstage.agent.cli;

import dev.flowstage.agent.AgentException;
import dev.flowstage.agent.api.DeviceApi;
import dev.flowstage.agent.api.DeviceInfo;
import dev.flowstage.agent.config.AgentConfig;
import dev.flowstage.agent.config.AgentConfigFile;
import dev.flowstage.agent.git.GitAccess;
import dev.flowstage.agent.git.GitFetchException;
import dev.flowstage.agent.nodered.NodeRedAdmin;
import dev.flowstage.agent.nodered.NodeRedException;
import dev.flowstage.agent.tls.CertificateFingerprint;
import dev.flowstage.agent.tls.CertificateProbe;
import dev.flowstage.agent.tls.ServerTrust;
import dev.flowstage.agent.verify.ServerSigningKey;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.LsRemoteCommand;
import org.eclipse.jgit.api.errors.GitAPIException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code agent init}: provisions the device in one command. It learns the server's TLS certificate (or
 * takes a CA file), checks the token against {@code /devices/self}, fetches and pins the signing key,
 * checks that the repository can be read, and writes the config file (owner-only).
 */
@Command(name = "init", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Provisions this device: checks the server, the token and the repository, pins the server's"
                + " TLS certificate and signing key, and writes the config file that `run` reads.")
public final class InitCommand implements Callable<Integer> {
    private static final String NAME = "[a-z0-9][a-z0-9-]{0,62}";

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = "--server", required = true, paramLabel = "URL", description = "The Flowstage server, e.g. https://flowstage.example:8443")
    String server;

    @Option(names = "--device", required = true, paramLabel = "TEAM/NAME", description = "The device, as team/name.")
    String device;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:FLOWSTAGE_DEVICE_TOKEN}",
            description = "The device token the server showed when the device was created (or set FLOWSTAGE_DEVICE_TOKEN, which keeps it out of the process list).")
    String token;

    @Option(names = "--node-red", required = true, paramLabel = "URL", description = "The local Node-RED's editor URL, e.g. http://127.0.0.1:1880")
    String nodeRed;

    @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust the server through the CA certificate(s) in this PEM file instead of pinning its certificate.")
    Path caFile;

    @Option(names = "--tls-fingerprint", paramLabel = "SHA256",
            description = "The server certificate's SHA-256 fingerprint as the server prints it at start-up; init refuses a server that shows another certificate. Without it, the certificate shown now is pinned.")
    String tlsFingerprint;

    @Option(names = "--signing-key-fingerprint", paramLabel = "HEX",
            description = "The server's signing key fingerprint, as the server prints it at start-up; init refuses another key.")
    String signingKeyFingerprint;

    @Option(names = "--ssh-key", paramLabel = "FILE", description = "Fetch over SSH with this private key (the device's key) instead of HTTPS.")
    Path sshKey;

    @Option(names = "--ssh-host-key", paramLabel = "SHA256:...", description = "The server's SSH host key fingerprint; without it, the key shown now is pinned.")
    String sshHostKey;

    @Option(names = "--node-red-token", paramLabel = "TOKEN", description = "An access token for Node-RED's Admin API (adminAuth).")
    String nodeRedToken;

    @Option(names = "--node-red-user", paramLabel = "USER", description = "A Node-RED adminAuth user (with --node-red-password) the agent logs in as.")
    String nodeRedUser;

    @Option(names = "--node-red-password", paramLabel = "PASSWORD", description = "The password of --node-red-user.")
    String nodeRedPassword;

    @Option(names = "--node-red-user-dir", paramLabel = "DIR", description = "Node-RED's user dir (default ~/.node-red): where modules are installed and local credentials are read by `snapshot`.")
    Path userDir;

    @Option(names = "--install-modules", description = "Install the modules a snapshot's package.json lists with npm when they are missing (runs code from the npm registry).")
    boolean installModules;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where the agent keeps its clone and state (default: 'state' beside the config file).")
    Path stateDir;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (token == null || token.isBlank()) {
            throw new AgentException("give the device token with --token or the FLOWSTAGE_DEVICE_TOKEN environment variable");
        }
        URI serverUri = httpUrl(server, "--server");
        httpUrl(nodeRed, "--node-red");
        String[] teamAndName = device.split("/", -1);
        if (teamAndName.length != 2 || !teamAndName[0].matches(NAME) || !teamAndName[1].matches(NAME)) {
            throw new AgentException("--device '" + device + "' is not TEAM/NAME (lower-case letters, digits and dashes)");
        }
        if (caFile != null && tlsFingerprint != null) {
            throw new AgentException("give either --ca-file or --tls-fingerprint, not both");
        }
        if ((nodeRedUser == null) != (nodeRedPassword == null)) {
            throw new AgentException("--node-red-user and --node-red-password go together");
        }

        ServerTrust trust = null;
        AgentConfig.Tls tls = null;
        if (serverUri.getScheme().equals("https")) {
            if (caFile != null) {
                trust = ServerTrust.caFile(caFile);
                tls = new AgentConfig.Tls(null, caFile.toAbsolutePath().toString());
                out.println("Server certificate: trusted through the CA file " + caFile.toAbsolutePath());
            } else {
                String seen = CertificateFingerprint.of(CertificateProbe.fetch(serverUri));
                if (tlsFingerprint != null && !CertificateFingerprint.normalize(tlsFingerprint).equals(seen)) {
                    throw new AgentException("the server shows a TLS certificate with SHA-256 " + seen + ", not the expected "
                            + CertificateFingerprint.normalize(tlsFingerprint) + ": is --server the right server?");
                }
                trust = ServerTrust.pinned(seen);
                tls = new AgentConfig.Tls(seen, null);
                out.println("Server certificate SHA-256 " + seen + " (pinned)");
            }
        } else {
            spec.commandLine().getErr().println("flowstage-agent: warning: " + serverUri
                    + " is plain http: the device token travels unencrypted");
        }

        DeviceApi api = new DeviceApi(serverUri, token, trust);
        DeviceInfo info = api.self();
        if (!info.team().equals(teamAndName[0]) || !info.name().equals(teamAndName[1])) {
            throw new AgentException("the token belongs to device " + info.team() + "/" + info.name() + ", not " + device);
        }
        String armored = api.signingKey();
        ServerSigningKey key = ServerSigningKey.parse(armored);
        if (signingKeyFingerprint != null && !ServerSigningKey.normalize(signingKeyFingerprint).equals(key.fingerprint())) {
            throw new AgentException("the server's signing key has fingerprint " + key.fingerprint() + ", not the expected "
                    + ServerSigningKey.normalize(signingKeyFingerprint));
        }
        out.println("Signing key " + key.fingerprint() + " (pinned)");

        String gitUrl;
        if (sshKey != null) {
            if (info.sshUrl() == null) {
                throw new AgentException("the server names no SSH URL for the device: is SSH turned off on the server?");
            }
            gitUrl = info.sshUrl();
        } else {
            String base = serverUri.toString().replaceAll("/+$", "");
            gitUrl = base + "/git/" + info.team() + "/" + info.name() + ".git";
        }
        String pinnedHostKey = checkRepository(gitUrl, trust, out);

        Path nodeRedUserDir = userDir != null ? userDir : Path.of(System.getProperty("user.home"), ".node-red");
        AgentConfig cfg = new AgentConfig(serverUri.toString().replaceAll("/+$", ""), info.team(), info.name(), token, tls,
                new AgentConfig.Git(gitUrl, sshKey == null ? null : sshKey.toAbsolutePath().toString(), pinnedHostKey),
                new AgentConfig.SigningKey(key.fingerprint(), armored),
                new AgentConfig.NodeRed(nodeRed.replaceAll("/+$", ""), nodeRedToken, nodeRedUser, nodeRedPassword,
                        nodeRedUserDir.toAbsolutePath().toString(), installModules),
                stateDir == null ? null : stateDir.toAbsolutePath().toString());
        Path file = config.path();
        AgentConfigFile.write(file, cfg);
        out.println("Device " + info.team() + "/" + info.name() + " provisioned; config written to " + file.toAbsolutePath()
                + " (owner-only)");
        try {
            new NodeRedAdmin(cfg.nodeRed().url(), nodeRedToken, nodeRedUser, nodeRedPassword).flows();
        } catch (NodeRedException e) {
            spec.commandLine().getErr().println("flowstage-agent: warning: " + e.getMessage());
        }
        out.println("Run the agent with: java -jar flowstage-agent.jar run"
                + (config.config == null ? "" : " --config " + file.toAbsolutePath()));
        return 0;
    }

    /** Lists the repository's refs once (token, key and TLS checked); returns the ssh host key to pin, or null. */
    private String checkRepository(String gitUrl, ServerTrust trust, PrintWriter out) {
        try (GitAccess access = GitAccess.forInit(gitUrl, teamAndName()[1], token, trust, sshKey, sshHostKey)) {
            LsRemoteCommand ls = access.apply(Git.lsRemoteRepository()).setRemote(gitUrl).setHeads(true);
            try {
                ls.call();
            } catch (GitAPIException e) {
                String host = access.seenHostKey();
                if (sshHostKey != null && host != null && !host.equals(sshHostKey)) {
                    throw new AgentException("the server's SSH host key is " + host + ", not the expected " + sshHostKey);
                }
                throw new GitFetchException("the repository " + gitUrl + " cannot be read: " + e.getMessage());
            }
            out.println("Repository " + gitUrl + " readable");
            if (gitUrl.startsWith("ssh://")) {
                out.println("SSH host key " + access.seenHostKey() + " (pinned)");
                return access.seenHostKey();
            }
            return null;
        }
    }

    private String[] teamAndName() {
        return device.split("/", -1);
    }

    private static URI httpUrl(String text, String option) {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new AgentException(option + " '" + text + "' is not a URL: " + e.getReason());
        }
        if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                || uri.getHost() == null) {
            throw new AgentException(option + " '" + text + "' is not an http:// or https:// URL with a host");
        }
        if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null) {
            throw new AgentException(option + " '" + text + "' must not carry user info, a query or a fragment");
        }
        return uri;
    }
}
