package dev.flowstage.server.ssh;

import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.LoginThrottle;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.git.GitAccess;
import dev.flowstage.server.config.ListenException;
import dev.flowstage.server.config.ServerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.channel.ChannelSessionFactory;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;

/**
 * The SSH Git transport: MINA SSHD with public-key authentication only, no shell, no forwarding of
 * any kind, no subsystems (SFTP/SCP); exec requests for {@code git-upload-pack} and
 * {@code git-receive-pack} run on a bounded executor ({@code ssh-threads} at once, a short queue, then
 * "server busy").
 */
public final class SshServerLifecycle implements AutoCloseable {
    private final ServerConfig config;
    private final SshServer sshd;
    private final ThreadPoolExecutor executor;
    private final PrincipalAuthenticator principals;
    private volatile int boundPort;

    /**
     * @param throttle where failed sign-ins are counted, shared with the HTTP side
     * @param metrics where command counts and durations go; {@code null} keeps them in a private registry
     */
    public SshServerLifecycle(ServerConfig config, KeyPair hostKey, Authenticator auth, LoginThrottle throttle,
                              GitAccess git, MeterRegistry metrics) {
        SshSecurity.requireEd25519();
        if (metrics == null) {
            metrics = new SimpleMeterRegistry();
        }
        this.config = config;
        int threads = config.sshThreads();
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(threads * 4), namedThreads());
        executor.allowCoreThreadTimeOut(true);

        sshd = SshServer.setUpDefaultServer();
        sshd.setHost(config.bind());
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        sshd.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        principals = new PrincipalAuthenticator(auth, throttle);
        sshd.setPublickeyAuthenticator(principals);
        sshd.addSessionListener(principals);
        sshd.setPasswordAuthenticator(null);
        sshd.setKeyboardInteractiveAuthenticator(null);
        sshd.setGSSAuthenticator(null);
        sshd.setHostBasedAuthenticator(null);
        // Only session channels: no direct-tcpip (port forwarding) or other channel types.
        sshd.setChannelFactories(List.of(ChannelSessionFactory.INSTANCE));
        sshd.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
        sshd.setAgentFactory(null);
        sshd.setSubsystemFactories(List.of());
        sshd.setShellFactory(channel -> new RefusalCommand(
                c -> "Hi " + PrincipalAuthenticator.principalOf(c.getSession())
                        .map(p -> p.displayName()).orElse("there")
                        + "! You have authenticated, but Flowstage does not provide shell access.", 1));
        sshd.setCommandFactory(new GitSshCommandFactory(git, executor, metrics));
        CoreModuleProperties.IDLE_TIMEOUT.set(sshd, config.sshIdleTimeout());
        CoreModuleProperties.AUTH_TIMEOUT.set(sshd, config.sshAuthTimeout());
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(sshd, 10);
        CoreModuleProperties.SERVER_IDENTIFICATION.set(sshd, "Flowstage");
        metrics.gauge("flowstage.ssh.git.queued", executor, e -> e.getQueue().size());
    }

    /** Binds the port (unless {@code ssh-port} is 0) and starts accepting connections. */
    public void start() throws IOException {
        if (!config.sshPort().enabled()) {
            return;
        }
        sshd.setPort(config.sshPort().bindValue());
        try {
            sshd.start();
        } catch (IOException e) {
            throw ListenException.of("SSH", config.bind(), config.sshPort(), "--ssh-port", e);
        }
        boundPort = sshd.getBoundAddresses().stream()
                .filter(InetSocketAddress.class::isInstance)
                .map(a -> ((InetSocketAddress) a).getPort())
                .findFirst().orElse(sshd.getPort());
    }

    /** The port actually bound (the chosen one for {@code random}); 0 when SSH is off or not started. */
    public int port() {
        return boundPort;
    }

    public List<SocketAddress> boundAddresses() {
        return List.copyOf(sshd.getBoundAddresses());
    }

    /** Sessions closed so far, their close fully handled (a failed sign-in counted). */
    long sessionsClosed() {
        return principals.sessionsClosed();
    }

    /** The principal of each open session, empty while (or when) it has not authenticated. */
    List<Optional<Principal>> sessionPrincipals() {
        return sshd.getActiveSessions().stream().map(PrincipalAuthenticator::principalOf).toList();
    }

    /** Closes the listener and every session, and stops running Git commands. */
    @Override
    public void close() throws IOException {
        try {
            sshd.stop(true);
        } finally {
            executor.shutdownNow();
            boundPort = 0;
        }
    }

    private static ThreadFactory namedThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "flowstage-ssh-git-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
