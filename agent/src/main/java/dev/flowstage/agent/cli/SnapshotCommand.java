package dev.flowstage.agent.cli;

import dev.flowstage.agent.api.DeviceApi;
import dev.flowstage.agent.api.DeviceInfo;
import dev.flowstage.agent.config.AgentConfig;
import dev.flowstage.agent.config.AgentConfigFile;
import dev.flowstage.agent.git.DeviceRepository;
import dev.flowstage.agent.git.GitAccess;
import dev.flowstage.agent.nodered.NodeRedAdmin;
import dev.flowstage.agent.tls.ServerTrust;
import dev.flowstage.agent.upload.SnapshotUpload;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code agent snapshot}: uploads the local Node-RED's flows to the device's {@code refs/heads/device}. */
@Command(name = "snapshot", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Commits the flows the local Node-RED runs as a snapshot and pushes it to the device's"
                + " refs/heads/device (developer mode).")
public final class SnapshotCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOption config;

    @Option(names = {"--message", "-m"}, paramLabel = "M", description = "The snapshot's commit message.")
    String message;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path file = config.path();
        AgentConfig cfg = AgentConfigFile.read(file);
        ServerTrust trust = ServerTrust.from(cfg.tls());
        DeviceInfo info = new DeviceApi(URI.create(cfg.server()), cfg.token(), trust).self();
        AgentConfig.NodeRed nr = cfg.nodeRed();
        try (GitAccess access = GitAccess.from(cfg, trust);
                DeviceRepository repo = DeviceRepository.open(cfg.stateDir(file), access)) {
            SnapshotUpload upload = new SnapshotUpload(repo, access,
                    new NodeRedAdmin(nr.url(), nr.token(), nr.user(), nr.password()),
                    nr.userDir() == null ? null : Path.of(nr.userDir()));
            String msg = message != null && !message.isBlank() ? message : "Snapshot of device " + cfg.device();
            SnapshotUpload.Uploaded up = upload.upload(cfg.device(), info.credentialSecret(), msg);
            out.println((up.changed() ? "Uploaded snapshot " : "Nothing changed: refs/heads/device is already ")
                    + up.commit().name() + " to refs/heads/device (credentials: " + up.credentialsSource() + ")");
        }
        return 0;
    }
}
