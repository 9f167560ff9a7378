package dev.flowstage.agent.run;

import dev.flowstage.agent.AgentException;
import dev.flowstage.agent.api.DeviceApi;
import dev.flowstage.agent.git.DeviceRepository;
import dev.flowstage.agent.nodered.DeployFlows;
import dev.flowstage.agent.nodered.ModuleInstaller;
import dev.flowstage.agent.nodered.NodeRedAdmin;
import dev.flowstage.agent.verify.CommitSignatureVerifier;
import dev.flowstage.storage.snapshot.InvalidSnapshotException;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotReader;
import java.io.IOException;
import java.util.Map;
import org.eclipse.jgit.lib.ObjectId;

/**
 * Applies one fetched commit to the local Node-RED, in an order that never runs anything unverified: the
 * signature is checked on the commit's raw bytes first, and only then is its tree read; modules are
 * installed (when enabled), the flows deployed in full with their credentials, and the commit recorded as
 * applied only when Node-RED took them.
 */
final class SnapshotDeployer {
    private final DeviceRepository repo;
    private final CommitSignatureVerifier verifier;
    private final DeviceApi api;
    private final NodeRedAdmin nodeRed;
    private final ModuleInstaller installer;

    /** @param installer null unless modules are to be installed */
    SnapshotDeployer(DeviceRepository repo, CommitSignatureVerifier verifier, DeviceApi api, NodeRedAdmin nodeRed,
            ModuleInstaller installer) {
        this.repo = repo;
        this.verifier = verifier;
        this.api = api;
        this.nodeRed = nodeRed;
        this.installer = installer;
    }

    /**
     * @return the modules of the snapshot's package.json (installed versions when installing)
     * @throws dev.flowstage.agent.verify.SignatureRefusedException when the signature does not verify
     * @throws dev.flowstage.agent.nodered.NodeRedException when Node-RED is away or refuses the flows
     * @throws dev.flowstage.agent.api.DeviceApiException when the server cannot say the credentialSecret
     * @throws AgentException when the snapshot cannot be deployed as it is
     */
    Map<String, String> deploy(ObjectId commit) {
        verifier.verify(commit.name(), repo.rawCommit(commit));
        Snapshot snapshot;
        try {
            snapshot = SnapshotReader.read(repo.repository(), commit);
        } catch (InvalidSnapshotException e) {
            throw new AgentException("commit " + commit.name().substring(0, 12) + " is not a snapshot: " + e.getMessage());
        } catch (IOException e) {
            throw new AgentException("cannot read commit " + commit.name() + ": " + e.getMessage());
        }
        Map<String, String> modules = ModuleInstaller.dependencies(snapshot);
        String secret = api.self().credentialSecret();
        var flows = DeployFlows.build(snapshot, secret);
        if (installer != null) {
            modules = installer.ensure(modules, nodeRed);
        }
        nodeRed.deploy(flows);
        repo.setRef(DeviceRepository.APPLIED, commit);
        return modules;
    }
}
