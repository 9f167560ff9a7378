package dev.flowstage.hooks.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flowstage.hooks.nodered.NodeRedUrlConfigRule;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.receive.ConfigPush;
import dev.flowstage.storage.meta.MetaRef;
import dev.flowstage.storage.repo.RepoName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * URLs the server will call, pushed to {@code _config.git}: an instance's nodeRed.url without credentials or
 * other schemes, and no literal address (nodeRed.url or webhook url) that the outbound policy refuses; the
 * messages are the API's.
 */
class OutboundUrlConfigPushTest {
    private static final String APP = "{\"description\":\"\",\"createdAt\":\"2026-01-01T00:00:00Z\"}";

    @TempDir
    Path dir;
    private TeamFixture fx;
    private ConfigPush push;

    @BeforeEach
    void setUp() throws Exception {
        fx = new TeamFixture(dir);
        AddressPolicy policy = AddressPolicy.parse("127.0.0.1");
        push = new ConfigPush(fx.site, fx.secrets, fx.repos, List.of(new WebhookConfigRule(fx.secrets, policy),
                new NodeRedUrlConfigRule(policy)));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    private static String instance(String url) {
        return "{\"application\":\"factory\",\"protected\":false,\"nodeRed\":{\"url\":\"" + url + "\"},"
                + "\"createdAt\":\"2026-01-01T00:00:00Z\"}";
    }

    private List<String> pushInstance(String url) throws Exception {
        return problems(Map.of("applications/factory.json", APP, "instances/edge.json", instance(url)));
    }

    @Test
    void aNodeRedUrlWithCredentialsIsRefusedWithTheApisMessage() throws Exception {
        assertEquals(List.of(), pushInstance("http://nodered.factory.example:1880/"));
        assertEquals(List.of("flowstage: instances/edge.json: nodeRed.url must not carry credentials (user:password@):"
                        + " it is shown to every viewer of the team; put the Admin API token in nodeRed.token, which is"
                        + " stored sealed"),
                pushInstance("http://admin:hunter2@nodered.factory.example:1880/"));
    }

    @Test
    void otherSchemesAndDisallowedLiteralAddressesAreRefused() throws Exception {
        assertEquals(List.of("flowstage: instances/edge.json: nodeRed.url must be an http or https URL"),
                pushInstance("file:///etc/passwd"));
        assertEquals(List.of("flowstage: instances/edge.json: nodeRed.url: address 169.254.169.254 is not allowed for"
                        + " outbound calls (cloud metadata); allow it with --outbound-allow (only an entry naming it"
                        + " explicitly, e.g. 169.254.169.254, admits it)"),
                pushInstance("http://169.254.169.254/latest/"));
        assertEquals(List.of(), pushInstance("http://127.0.0.1:1880/"), "the allow list names 127.0.0.1");
        assertEquals(List.of("flowstage: webhooks/ci.json: 'url': address 10.0.0.8 is not allowed for outbound calls"
                        + " (private); allow it with --outbound-allow"),
                problems(Map.of("webhooks/ci.json", "{\"sealedUrl\":\"" + fx.secrets.seal("http://10.0.0.8/hook")
                        + "\",\"events\":[\"push\"],"
                        + "\"createdAt\":\"2026-01-01T00:00:00Z\"}")));
    }

    /** The current acme configuration with {@code changes} on top, committed (not on a ref) and checked. */
    private List<String> problems(Map<String, String> changes) throws Exception {
        try (Repository repo = fx.repos.open(new RepoName("acme", RepoName.CONFIG))) {
            Map<String, byte[]> files = new TreeMap<>();
            MetaRef.Snapshot current = new MetaRef(repo, "refs/heads/main").read();
            files.putAll(current.files());
            changes.forEach((k, v) -> files.put(k, v.getBytes(StandardCharsets.UTF_8)));
            return push.problems(repo, "acme", commit(repo, files, current.commit()));
        }
    }

    private static ObjectId commit(Repository repo, Map<String, byte[]> files, ObjectId parent) throws Exception {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            DirCache index = DirCache.newInCore();
            DirCacheBuilder builder = index.builder();
            for (Map.Entry<String, byte[]> e : files.entrySet()) {
                DirCacheEntry entry = new DirCacheEntry(e.getKey());
                entry.setFileMode(FileMode.REGULAR_FILE);
                entry.setObjectId(ins.insert(Constants.OBJ_BLOB, e.getValue()));
                builder.add(entry);
            }
            builder.finish();
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(index.writeTree(ins));
            cb.setParentId(parent);
            PersonIdent who = new PersonIdent("olive", "olive@flowstage");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage("pushed");
            ObjectId id = ins.insert(cb);
            ins.flush();
            return id;
        }
    }
}
