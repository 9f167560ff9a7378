package dev.flowstage.hooks.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.snapshot.SnapshotProblem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.AnyObjectId;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotCheckTest {
    @TempDir
    Path dir;
    private Repository repo;
    private final List<ObjectId> opened = new ArrayList<>();

    @BeforeEach
    void createRepo() throws IOException {
        repo = FileRepositoryBuilder.create(dir.resolve("r.git").toFile());
        repo.create(true);
    }

    @AfterEach
    void closeRepo() {
        repo.close();
    }

    @Test
    void aBlobIsValidatedOnceWhateverTreeItIsIn() throws IOException {
        ObjectId flows = blob("[{\"id\":\"a\",\"type\":\"tab\"}]");
        ObjectId readme = blob("one");
        RevTree first = tree("flows.json", flows, "README.md", readme);
        RevTree second = tree("flows.json", flows, "README.md", blob("two"));
        SnapshotCheck check = new SnapshotCheck();
        try (ObjectReader reader = counting()) {
            assertEquals(List.of(), check.problems(reader, first));
            assertEquals(List.of(), check.problems(reader, second));
        }
        // flows.json read once; README.md has no rules and is never read
        assertEquals(List.of(flows), opened);
    }

    @Test
    void theSameBytesUnderAnotherNameAreCheckedByThatNamesRules() throws IOException {
        ObjectId array = blob("[]");
        SnapshotCheck check = new SnapshotCheck();
        try (ObjectReader reader = counting()) {
            assertEquals(List.of(), check.problems(reader, tree("flows.json", array)));
            List<SnapshotProblem> env = check.problems(reader, tree("env.json", array));
            assertEquals(1, env.size(), env.toString());
            assertTrue(env.get(0).render().startsWith("flowstage: env.json: line 1, column 1: must be a JSON object"),
                    env.get(0).render());
            // a cached problem is reported again, not forgotten
            assertEquals(env, check.problems(reader, tree("env.json", array)));
        }
        assertEquals(2, opened.size());
    }

    @Test
    void aSnapshotFileNameTakenByAFolderIsAProblem() throws IOException {
        ObjectId inner;
        try (ObjectInserter ins = repo.newObjectInserter()) {
            TreeFormatter sub = new TreeFormatter();
            sub.append("x", FileMode.REGULAR_FILE, blob("x"));
            inner = ins.insert(sub);
            ins.flush();
        }
        RevTree tree;
        try (ObjectInserter ins = repo.newObjectInserter(); RevWalk walk = new RevWalk(repo)) {
            TreeFormatter root = new TreeFormatter();
            root.append("flows.json", FileMode.TREE, inner);
            ObjectId id = ins.insert(root);
            ins.flush();
            tree = walk.parseTree(id);
        }
        try (ObjectReader reader = repo.newObjectReader()) {
            List<SnapshotProblem> problems = new SnapshotCheck().problems(reader, tree);
            assertEquals(List.of(SnapshotProblem.of("flows.json", "must be a file, not a folder")), problems);
        }
    }

    private ObjectReader counting() {
        ObjectReader delegate = repo.newObjectReader();
        return new ObjectReader.Filter() {
            @Override
            protected ObjectReader delegate() {
                return delegate;
            }

            @Override
            public ObjectLoader open(AnyObjectId id, int type) throws IOException {
                if (type == Constants.OBJ_BLOB) {
                    opened.add(id.copy());
                }
                return delegate.open(id, type);
            }
        };
    }

    private ObjectId blob(String content) throws IOException {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            ObjectId id = ins.insert(Constants.OBJ_BLOB, content.getBytes(StandardCharsets.UTF_8));
            ins.flush();
            return id;
        }
    }

    /** A root tree of name/blob pairs, given in Git's sorted order. */
    private RevTree tree(Object... namesAndBlobs) throws IOException {
        List<Object[]> entries = new ArrayList<>();
        for (int i = 0; i < namesAndBlobs.length; i += 2) {
            entries.add(new Object[] {namesAndBlobs[i], namesAndBlobs[i + 1]});
        }
        entries.sort((a, b) -> ((String) a[0]).compareTo((String) b[0]));
        try (ObjectInserter ins = repo.newObjectInserter(); RevWalk walk = new RevWalk(repo)) {
            TreeFormatter tf = new TreeFormatter();
            for (Object[] e : entries) {
                tf.append((String) e[0], FileMode.REGULAR_FILE, (ObjectId) e[1]);
            }
            ObjectId id = ins.insert(tf);
            ins.flush();
            return walk.parseTree(id);
        }
    }
}
