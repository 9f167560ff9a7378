package dev.flowstage.hooks.trigger;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.pipeline.ConfigPipelineStore;
import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.secret.AesGcmSecretBox;
import dev.flowstage.storage.secret.SecretBox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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

/** Real stores with team acme (owner olive; instances dev, qa, prod) and the real pipeline store. */
final class TriggerFixture implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final GcQueue gc = new GcQueue(1000, Duration.ofHours(1));
    final LocalRepoStore repos;
    final GitSiteStore site;
    final GitTeamStore teams;
    final SecretBox secrets;
    final ConfigPipelineStore pipelines;
    final RecordingRunner runner = new RecordingRunner();

    TriggerFixture(Path data) throws Exception {
        Clock clock = Clock.systemUTC();
        repos = new LocalRepoStore(data.resolve("repos"), gc);
        site = new GitSiteStore(data.resolve("site.git"), clock);
        teams = new GitTeamStore(repos, site, clock);
        secrets = AesGcmSecretBox.loadOrCreate(data.resolve("secrets/master.key"));
        pipelines = new ConfigPipelineStore(teams, secrets);
        site.createUser("olive", "not-a-hash", false);
        teams.create("acme", "olive");
        teams.edit("acme", "olive", "set up", c -> c
                .withApplication("app", new Application("app", "", Instant.EPOCH))
                .withTarget("dev", instance("dev"))
                .withTarget("qa", instance("qa"))
                .withTarget("prod", instance("prod")));
        for (String t : new String[] {"dev", "qa", "prod"}) {
            repos.create(new RepoName("acme", t)).close();
        }
    }

    private static Target instance(String name) {
        return new Target(TargetKind.INSTANCE, name, "app", false, null, null, null, null, Instant.EPOCH);
    }

    /** Creates pipeline {@code json} (single quotes for double quotes) in acme. */
    void pipeline(String json) throws Exception {
        pipelines.create("acme", "olive", JSON.readTree(json.replace('\'', '"')));
    }

    /** A commit on main of acme/TARGET with {@code files} (path, content, ...) replacing the tree; returns its id. */
    ObjectId commit(String target, ObjectId parent, String message, String... files) throws Exception {
        Map<String, String> tree = new TreeMap<>();
        for (int i = 0; i < files.length; i += 2) {
            tree.put(files[i], files[i + 1]);
        }
        try (Repository repo = repos.open(new RepoName("acme", target)); ObjectInserter ins = repo.newObjectInserter()) {
            DirCache dc = DirCache.newInCore();
            DirCacheBuilder b = dc.builder();
            for (Map.Entry<String, String> f : tree.entrySet()) {
                DirCacheEntry e = new DirCacheEntry(f.getKey());
                e.setFileMode(FileMode.REGULAR_FILE);
                e.setObjectId(ins.insert(Constants.OBJ_BLOB, f.getValue().getBytes(StandardCharsets.UTF_8)));
                b.add(e);
            }
            b.finish();
            CommitBuilder c = new CommitBuilder();
            c.setTreeId(dc.writeTree(ins));
            if (parent != null) {
                c.setParentId(parent);
            }
            PersonIdent who = new PersonIdent("olive", "olive@example.test");
            c.setAuthor(who);
            c.setCommitter(who);
            c.setMessage(message);
            ObjectId id = ins.insert(c);
            ins.flush();
            return id;
        }
    }

    @Override
    public void close() {
        gc.close();
        site.close();
    }
}
