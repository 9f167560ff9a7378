package dev.flowstage.agent.git;

import dev.flowstage.agent.AgentException;
import dev.flowstage.agent.config.AgentConfig;
import dev.flowstage.agent.tls.ServerTrust;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.ServerKeyDatabase;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

/**
 * How JGit reaches the device's repository: over https with Basic DEVICE:TOKEN (sent preemptively) and the
 * server's {@link ServerTrust}; or over ssh with the device's key file, accepting only the server host key
 * pinned at init (never ~/.ssh/config, known_hosts or an agent). Applied to each fetch or push command.
 */
public final class GitAccess implements AutoCloseable {
    private final String url;
    private final String device;
    private final String token;
    private final ServerTrust trust;
    private final SshdSessionFactory ssh;
    private volatile String seenHostKey;

    private GitAccess(String url, String device, String token, ServerTrust trust, Path sshKey, String sshHostKey) {
        this.url = url;
        this.device = device;
        this.token = token;
        this.trust = trust;
        this.ssh = url.startsWith("ssh://") ? sshFactory(sshKey, sshHostKey) : null;
    }

    public static GitAccess from(AgentConfig config, ServerTrust trust) {
        AgentConfig.Git git = config.git();
        return new GitAccess(git.url(), config.device(), config.token(), trust,
                git.sshKey() == null ? null : Path.of(git.sshKey()), git.sshHostKey());
    }

    /**
     * For {@code init}: ssh connections accept whatever host key the server shows when {@code sshHostKey} is
     * null, and remember it ({@link #seenHostKey()}) so it can be pinned.
     */
    public static GitAccess forInit(String url, String device, String token, ServerTrust trust, Path sshKey,
            String sshHostKey) {
        return new GitAccess(url, device, token, trust, sshKey, sshHostKey);
    }

    public String url() {
        return url;
    }

    /** The SHA256 fingerprint of the ssh host key seen on the last connection, or null. */
    public String seenHostKey() {
        return seenHostKey;
    }

    /** Sets the remote, the credentials and the transport configuration on {@code command}. */
    public <C extends TransportCommand<C, ?>> C apply(C command) {
        CredentialsProvider creds = new UsernamePasswordCredentialsProvider(device, token);
        command.setCredentialsProvider(creds);
        command.setTransportConfigCallback(transport -> {
            if (transport instanceof TransportHttp http) {
                if (trust != null) {
                    http.setHttpConnectionFactory(new TlsHttpConnectionFactory(trust));
                }
                http.setPreemptiveBasicAuthentication(device, token);
            } else if (transport instanceof SshTransport sshTransport) {
                sshTransport.setSshSessionFactory(ssh);
            }
        });
        return command;
    }

    private SshdSessionFactory sshFactory(Path key, String pinnedHostKey) {
        if (key == null) {
            throw new AgentException("the repository URL " + url + " is ssh://, but no --ssh-key was given");
        }
        if (!Files.isReadable(key)) {
            throw new AgentException("the ssh key file " + key + " does not exist or cannot be read");
        }
        Path home = key.toAbsolutePath().getParent();
        ServerKeyDatabase hostKeys = new ServerKeyDatabase() {
            @Override
            public List<PublicKey> lookup(String connectAddress, InetSocketAddress remoteAddress, Configuration config) {
                return List.of();
            }

            @Override
            public boolean accept(String connectAddress, InetSocketAddress remoteAddress, PublicKey serverKey,
                    Configuration config, CredentialsProvider provider) {
                String fp = KeyUtils.getFingerPrint(BuiltinDigests.sha256, serverKey);
                seenHostKey = fp;
                return pinnedHostKey == null || pinnedHostKey.equals(fp);
            }
        };
        return new SshdSessionFactoryBuilder()
                .setHomeDirectory(home.toFile())
                .setSshDirectory(home.toFile())
                .setConfigFile(f -> null)
                .setDefaultKnownHostsFiles(f -> List.of())
                .setDefaultIdentities(f -> List.of(key.toAbsolutePath()))
                .setServerKeyDatabase((h, s) -> hostKeys)
                .setPreferredAuthentications("publickey")
                .build(null);
    }

    @Override
    public void close() {
        if (ssh != null) {
            ssh.close();
        }
    }
}
