package dev.flowstage.hooks.nodered;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.meta.MetaRef;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;

/**
 * Instance status kept Git-natively in the instance's own repository: {@code status.json} on
 * {@value #REF} (a meta ref clients cannot push), one commit per change, so its history is the
 * deployment log.
 */
public final class InstanceStatusStore {
    public static final String REF = "refs/meta/status";
    static final String FILE = "status.json";

    private final RepoStore repos;
    private final ObjectMapper json = new ObjectMapper();

    public InstanceStatusStore(RepoStore repos) {
        this.repos = repos;
    }

    /** The last recorded status of {@code team/target}; empty when none was recorded or the repo is gone. */
    public Optional<InstanceStatus> read(String team, String target) {
        try (Repository repo = repos.open(new RepoName(team, target))) {
            byte[] file = new MetaRef(repo, REF).read().files().get(FILE);
            return file == null ? Optional.empty() : Optional.of(parse(file));
        } catch (RepositoryNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the status of " + team + "/" + target, e);
        }
    }

    /** Records {@code status}; a target whose repository is gone (deleted meanwhile) is skipped. */
    public void write(String team, String target, InstanceStatus status) {
        try (Repository repo = repos.open(new RepoName(team, target))) {
            byte[] file = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(format(status));
            String message = status.operation() + " " + status.state()
                    + (status.commit() == null ? "" : " " + status.commit());
            new MetaRef(repo, REF).update(message, new PersonIdent("flowstage", "flowstage@localhost"),
                    current -> Map.of(FILE, file));
        } catch (RepositoryNotFoundException e) {
            // the instance was deleted while Node-RED was being talked to: nothing to record
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the status of " + team + "/" + target, e);
        }
    }

    private ObjectNode format(InstanceStatus s) {
        ObjectNode o = json.createObjectNode();
        o.put("state", s.state());
        o.put("operation", s.operation());
        o.put("commit", s.commit());
        o.put("deployedCommit", s.deployedCommit());
        o.put("time", s.time().toString());
        o.put("message", s.message());
        return o;
    }

    private InstanceStatus parse(byte[] file) throws IOException {
        JsonNode o = json.readTree(file);
        return new InstanceStatus(text(o, "state"), text(o, "operation"), text(o, "commit"), text(o, "deployedCommit"),
                Instant.parse(o.path("time").asText(Instant.EPOCH.toString())), text(o, "message"));
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
