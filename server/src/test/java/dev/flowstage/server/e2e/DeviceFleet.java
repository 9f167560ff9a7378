package dev.flowstage.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.TimeZone;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.util.FS;

/**
 * Devices for the device ITs: created through the API, and deployed to as the server's own writers
 * (fan-out, rollbacks) do, by a ref update on the device's repository in this JVM that tells no
 * listener, so the watch must see it from the repository itself.
 */
final class DeviceFleet {
    private DeviceFleet() {}

    /** Creates {@code name} in {@code team} (application {@code app}, optional group) and returns its token. */
    static String create(TestServer server, String team, String app, String name, String group) {
        String body = "{\"name\":\"" + name + "\",\"application\":\"" + app + "\""
                + (group == null ? "" : ",\"group\":\"" + group + "\"") + "}";
        return server.admin().expect(201, "POST", "/api/v1/teams/" + team + "/devices", body).get("token").asText();
    }

    static ApiClient device(TestServer server, String token) {
        return ApiClient.bearer(server.httpBase(), token);
    }

    /** Commits {@code flows} on the device's main (on top of what is there) and returns the commit. */
    static String deploy(TestServer server, String team, String device, String label) throws IOException {
        Path dir = server.dataDir().resolve("repos").resolve(team).resolve(device + ".git");
        try (Repository repo = RepositoryCache.open(RepositoryCache.FileKey.exact(dir.toFile(), FS.DETECTED), true);
             ObjectInserter ins = repo.newObjectInserter()) {
            Ref main = repo.exactRef("refs/heads/main");
            String flows = "[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"" + label + "\"}]\n";
            ObjectId blob = ins.insert(Constants.OBJ_BLOB, flows.getBytes(StandardCharsets.UTF_8));
            TreeFormatter tree = new TreeFormatter();
            tree.append("flows.json", FileMode.REGULAR_FILE, blob);
            CommitBuilder c = new CommitBuilder();
            c.setTreeId(ins.insert(tree));
            if (main != null) {
                c.setParentId(main.getObjectId());
            }
            PersonIdent ident = new PersonIdent("Flowstage", "server@flowstage.invalid", Instant.now(),
                    TimeZone.getTimeZone("UTC").toZoneId());
            c.setAuthor(ident);
            c.setCommitter(ident);
            c.setMessage("Deploy " + label + "\n");
            ObjectId commit = ins.insert(c);
            ins.flush();
            RefUpdate u = repo.updateRef("refs/heads/main");
            u.setExpectedOldObjectId(main == null ? ObjectId.zeroId() : main.getObjectId());
            u.setNewObjectId(commit);
            RefUpdate.Result r = u.update();
            if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FAST_FORWARD) {
                throw new IOException("deploy to " + team + "/" + device + " failed: " + r);
            }
            return commit.name();
        }
    }

    static String status(String commit, String state) {
        return "{\"commit\":\"" + commit + "\",\"state\":\"" + state + "\"}";
    }

    static JsonNode get(TestServer server, String team, String kind, String name) {
        return server.admin().expect(200, "GET", "/api/v1/teams/" + team + "/" + kind + "/" + name, null).json();
    }
}
