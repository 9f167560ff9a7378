package dev.flowstage.agent.upload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.agent.AgentException;
import dev.flowstage.agent.git.DeviceRepository;
import dev.flowstage.agent.git.GitAccess;
import dev.flowstage.agent.git.GitFetchException;
import dev.flowstage.agent.nodered.NodeRedAdmin;
import dev.flowstage.storage.snapshot.CredentialsException;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import dev.flowstage.storage.snapshot.SnapshotReader;
import dev.flowstage.storage.snapshot.SnapshotWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;

/**
 * {@code agent snapshot}: commits the flows the local Node-RED runs as a snapshot on top of the device's
 * {@code refs/heads/device} (or of {@code main} when the device has uploaded nothing yet) and pushes it
 * there (developer mode). flows.json comes from Node-RED ({@code GET /flows}); package.json, settings.json,
 * env.json and README.md from the current {@code main}. Node-RED's Admin API never returns credentials, so
 * flows_cred.json is taken from Node-RED's user dir when it is configured and can be decrypted (with the
 * device's credentialSecret, or the secret Node-RED generated in {@code .config.runtime.json}) and then
 * encrypted for the device's credentialSecret; otherwise main's flows_cred.json is kept.
 */
public final class SnapshotUpload {
    /** What was uploaded: the commit, and where its credentials came from. */
    public record Uploaded(ObjectId commit, String credentialsSource, boolean changed) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Node-RED's own flows.json layout (4-space indent, {@code "key": value}), so diffs stay small. */
    private static final ObjectWriter FLOWS_WRITER = JSON.writer(new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withObjectEmptySeparator("").withArrayEmptySeparator(""))
            .withArrayIndenter(new DefaultIndenter("    ", "\n"))
            .withObjectIndenter(new DefaultIndenter("    ", "\n")));

    private final DeviceRepository repo;
    private final GitAccess access;
    private final NodeRedAdmin nodeRed;
    private final Path userDir;

    public SnapshotUpload(DeviceRepository repo, GitAccess access, NodeRedAdmin nodeRed, Path userDir) {
        this.repo = repo;
        this.access = access;
        this.nodeRed = nodeRed;
        this.userDir = userDir;
    }

    public Uploaded upload(String deviceName, String credentialSecret, String message) {
        ArrayNode flows = nodeRed.flows();
        for (JsonNode n : flows) {
            if (n instanceof ObjectNode o) {
                o.remove("credentials");
            }
        }
        Optional<ObjectId> main = repo.fetchMain();
        Optional<ObjectId> device = repo.fetchDevice();
        Snapshot base;
        try {
            base = main.isPresent() ? SnapshotReader.read(repo.repository(), main.get()) : Snapshot.EMPTY;
        } catch (IOException e) {
            throw new AgentException("cannot read main: " + e.getMessage());
        }
        Snapshot next = base.with(SnapshotFiles.FLOWS, pretty(flows));
        String credentialsSource = "kept from main";
        Optional<byte[]> creds = localCredentials(flows, credentialSecret);
        if (creds.isPresent()) {
            next = next.with(SnapshotFiles.CREDENTIALS, creds.get());
            credentialsSource = "from the Node-RED user dir";
        } else if (!base.has(SnapshotFiles.CREDENTIALS)) {
            credentialsSource = "none";
        }
        Optional<ObjectId> parent = device.or(() -> main);
        try {
            if (parent.isPresent() && SnapshotReader.read(repo.repository(), parent.get()).equals(next)) {
                return new Uploaded(parent.get(), credentialsSource, false);
            }
            PersonIdent who = new PersonIdent(deviceName, deviceName + "@devices.flowstage");
            ObjectId commit = SnapshotWriter.commit(repo.repository(), next, parent.map(List::of).orElse(List.of()),
                    who, who, message.endsWith("\n") ? message : message + "\n");
            repo.setRef(DeviceRepository.UPLOAD, commit);
            push(commit);
            return new Uploaded(commit, credentialsSource, true);
        } catch (IOException e) {
            throw new AgentException("cannot write the snapshot commit: " + e.getMessage());
        }
    }

    private void push(ObjectId commit) {
        try (Git git = new Git(repo.repository())) {
            Iterable<PushResult> results = access.apply(git.push()).setRemote(access.url())
                    .setRefSpecs(new RefSpec(DeviceRepository.UPLOAD + ":refs/heads/device")).call();
            for (PushResult r : results) {
                for (RemoteRefUpdate u : r.getRemoteUpdates()) {
                    if (u.getStatus() != RemoteRefUpdate.Status.OK && u.getStatus() != RemoteRefUpdate.Status.UP_TO_DATE) {
                        String why = u.getMessage() != null ? u.getMessage() : r.getMessages();
                        throw new AgentException("the server refused the snapshot on refs/heads/device (" + u.getStatus()
                                + (why == null || why.isBlank() ? "" : ": " + why.strip().replaceAll("\\s+", " ")) + ")");
                    }
                }
            }
        } catch (GitAPIException e) {
            throw new GitFetchException("pushing to refs/heads/device of " + access.url() + " failed: " + e.getMessage());
        }
    }

    /** flows_cred.json of the user dir, for the nodes in {@code flows}, encrypted for the device; empty when unknown. */
    private Optional<byte[]> localCredentials(ArrayNode flows, String deviceSecret) {
        if (userDir == null) {
            return Optional.empty();
        }
        Path file = userDir.resolve(SnapshotFiles.CREDENTIALS);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            byte[] bytes = Files.readAllBytes(file);
            ObjectNode creds = null;
            for (String secret : candidateSecrets(deviceSecret)) {
                try {
                    creds = NodeRedCredentials.read(bytes, secret);
                    break;
                } catch (CredentialsException e) {
                    // try the next secret
                }
            }
            if (creds == null || deviceSecret == null) {
                return Optional.empty();
            }
            Set<String> ids = new HashSet<>();
            flows.forEach(n -> ids.add(n.path("id").asText()));
            creds.retain(ids);
            return Optional.of(NodeRedCredentials.encrypt(creds, deviceSecret));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private List<String> candidateSecrets(String deviceSecret) throws IOException {
        java.util.ArrayList<String> secrets = new java.util.ArrayList<>();
        if (deviceSecret != null) {
            secrets.add(deviceSecret);
        }
        Path runtime = userDir.resolve(".config.runtime.json");
        if (Files.isRegularFile(runtime)) {
            JsonNode generated = JSON.readTree(runtime.toFile()).path("_credentialSecret");
            if (generated.isTextual()) {
                secrets.add(generated.asText());
            }
        }
        return secrets;
    }

    private static byte[] pretty(ArrayNode flows) {
        try {
            return FLOWS_WRITER.writeValueAsBytes(flows);
        } catch (IOException e) {
            throw new IllegalStateException("serializing flows", e);
        }
    }
}
