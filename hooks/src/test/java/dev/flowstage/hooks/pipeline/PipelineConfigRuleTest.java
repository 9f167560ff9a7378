package dev.flowstage.hooks.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flowstage.hooks.receive.ConfigPush;
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

/** A push to _config.git is checked by ConfigPush with this rule: bad pipelines get the API's messages. */
class PipelineConfigRuleTest {
    @TempDir
    Path dir;
    private PipelineFixture f;
    private ConfigPush push;

    @BeforeEach
    void setUp() throws Exception {
        f = new PipelineFixture(dir);
        push = new ConfigPush(f.site, f.secrets, f.repos, List.of(new PipelineConfigRule()));
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void aPushedPipelineIsCheckedWithTheApisMessages() throws Exception {
        String good = "{\"name\":\"line-1\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},"
                + "{\"name\":\"qa\",\"instance\":\"qa\"}]}";
        assertEquals(List.of(), problems(Map.of("pipelines/line-1.json", good)));
        assertEquals(List.of("flowstage: pipelines/line-1.json: stage 'qa': instance 'nowhere' does not exist in team acme"),
                problems(Map.of("pipelines/line-1.json", good.replace("\"instance\":\"qa\"", "\"instance\":\"nowhere\""))));
        assertEquals(List.of("flowstage: pipelines/x.json: 'name' must be 'x', the file's name"),
                problems(Map.of("pipelines/x.json", good)));
        assertEquals(List.of("flowstage: pipelines/line-1.json: 'concurrency' must be one of allow, queue, forbid, not 'some'"),
                problems(Map.of("pipelines/line-1.json", good.replace("\"stages\"", "\"concurrency\":\"some\",\"stages\""))));
    }

    /** The current acme configuration with {@code changes} on top, committed (not on a ref) and checked. */
    private List<String> problems(Map<String, String> changes) throws Exception {
        try (Repository repo = f.repos.open(new RepoName("acme", RepoName.CONFIG))) {
            Map<String, byte[]> files = new TreeMap<>();
            dev.flowstage.storage.meta.MetaRef.Snapshot current = new dev.flowstage.storage.meta.MetaRef(repo,
                    "refs/heads/main").read();
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
            PersonIdent who = new PersonIdent("olga", "olga@flowstage");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage("pushed");
            ObjectId id = ins.insert(cb);
            ins.flush();
            return id;
        }
    }
}
