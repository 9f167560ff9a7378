package dev.flowstage.server.wiring;

import dagger.Module;
import dagger.Provides;
import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.LoginThrottle;
import dev.flowstage.hooks.git.GitAccess;
import dev.flowstage.server.config.ServerConfig;
import dev.flowstage.server.http.JettyLauncher;
import dev.flowstage.server.ssh.HostKey;
import dev.flowstage.server.ssh.SshServerLifecycle;
import dev.flowstage.server.tls.TlsMaterial;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import org.eclipse.jetty.server.Handler;

/** The listeners: TLS material and host key from the data dir, Jetty for HTTP(S), MINA SSHD for SSH. */
@Module
public interface ServerModule {
    @Provides
    @Singleton
    static TlsMaterial tls(ServerConfig config) {
        return TlsMaterial.forConfig(config);
    }

    @Provides
    @Singleton
    static HostKey hostKey(ServerConfig config) {
        return HostKey.loadOrCreate(config.sshDir());
    }

    @Provides
    @Singleton
    static JettyLauncher jetty(ServerConfig config, TlsMaterial tls, Handler handler) {
        return new JettyLauncher(config, tls, handler);
    }

    @Provides
    @Singleton
    static SshServerLifecycle ssh(ServerConfig config, HostKey hostKey, Authenticator auth, LoginThrottle throttle,
                                  GitAccess git, MeterRegistry metrics) {
        return new SshServerLifecycle(config, hostKey.keyPair(), auth, throttle, git, metrics);
    }

    @Provides
    @Singleton
    static BoundPorts boundPorts(ServerConfig config) {
        return new BoundPorts(config);
    }
}
