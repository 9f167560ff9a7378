package dev.flowstage.agent.run;

import dev.flowstage.agent.api.DeviceApi;
import dev.flowstage.agent.config.AgentConfig;
import dev.flowstage.agent.git.DeviceRepository;
import dev.flowstage.agent.git.GitAccess;
import dev.flowstage.agent.nodered.ModuleInstaller;
import dev.flowstage.agent.nodered.NodeRedAdmin;
import dev.flowstage.agent.tls.ServerTrust;
import dev.flowstage.agent.verify.CommitSignatureVerifier;
import dev.flowstage.agent.verify.ServerSigningKey;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;

/** The parts of a running agent, built from its config: the loop and what it needs, closed together. */
public final class Agent implements AutoCloseable {
    private final GitAccess access;
    private final DeviceRepository repo;
    private final AgentLoop loop;

    private Agent(GitAccess access, DeviceRepository repo, AgentLoop loop) {
        this.access = access;
        this.repo = repo;
        this.loop = loop;
    }

    public static Agent create(AgentConfig config, Path configFile, AgentLoop.Schedule schedule, Duration maxBackoff) {
        ServerTrust trust = ServerTrust.from(config.tls());
        DeviceApi api = new DeviceApi(URI.create(config.server()), config.token(), trust);
        ServerSigningKey key = ServerSigningKey.pinned(config.signingKey().armored(), config.signingKey().fingerprint());
        GitAccess access = GitAccess.from(config, trust);
        DeviceRepository repo = DeviceRepository.open(config.stateDir(configFile), access);
        AgentConfig.NodeRed nr = config.nodeRed();
        NodeRedAdmin nodeRed = new NodeRedAdmin(nr.url(), nr.token(), nr.user(), nr.password());
        ModuleInstaller installer = nr.installModules() ? new ModuleInstaller(Path.of(nr.userDir()), "npm") : null;
        SnapshotDeployer deployer = new SnapshotDeployer(repo, new CommitSignatureVerifier(key), api, nodeRed, installer);
        Duration initial = Duration.ofSeconds(1).compareTo(maxBackoff) < 0 ? Duration.ofSeconds(1) : maxBackoff;
        Backoff backoff = new Backoff(initial, maxBackoff, new SecureRandom());
        return new Agent(access, repo, new AgentLoop(repo, api, deployer, schedule, backoff));
    }

    public void run() throws InterruptedException {
        loop.run();
    }

    @Override
    public void close() {
        repo.close();
        access.close();
    }
}
