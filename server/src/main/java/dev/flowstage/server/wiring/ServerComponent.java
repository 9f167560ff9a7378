package dev.flowstage.server.wiring;

import dagger.BindsInstance;
import dagger.Component;
import dev.flowstage.server.FlowstageServer;
import dev.flowstage.server.ssh.SshServerLifecycle;
import dev.flowstage.server.tls.TlsMaterial;
import dev.flowstage.server.config.ServerConfig;
import jakarta.inject.Singleton;
import java.time.Clock;

/** The one object graph of a running server. */
@Singleton
@Component(modules = {StorageModule.class, AccessModule.class, LiveModule.class, EventModule.class, PipelineModule.class, DeviceModule.class, WebModule.class, ServerModule.class, AuditModule.class, ExternalGitModule.class})
public interface ServerComponent {
    FlowstageServer server();

    /** Parts of {@link #server()} that depend on little else, built on a second thread at start-up. */
    TlsMaterial tls();

    SshServerLifecycle ssh();

    @Component.Factory
    interface Factory {
        ServerComponent create(@BindsInstance ServerConfig config, @BindsInstance Clock clock);
    }
}
