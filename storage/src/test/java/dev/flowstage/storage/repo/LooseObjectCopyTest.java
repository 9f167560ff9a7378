package dev.flowstage.storage.repo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LooseObjectCopyTest {
    @TempDir
    Path dir;

    @Test
    void theCopyIsTheObjectGitWouldHaveWritten() throws Exception {
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        for (byte[] data : List.of("[{\"id\":\"n1\"}]\n".getBytes(StandardCharsets.UTF_8), big, new byte[0])) {
            ObjectId id;
            try (ObjectInserter.Formatter f = new ObjectInserter.Formatter()) {
                id = f.idFor(Constants.OBJ_BLOB, data);
            }
            try (Repository repo = bare("copy-" + id.name())) {
                assertEquals(id, LooseObjectCopy.write(repo, id, Constants.OBJ_BLOB, data));
                File loose = ((FileRepository) repo).getObjectDatabase().fileFor(id);
                assertTrue(loose.isFile(), "written as a loose object");
                assertArrayEquals(data, repo.open(id, Constants.OBJ_BLOB).getCachedBytes(Integer.MAX_VALUE));
                long size = loose.length();
                // written again: left as it is
                assertEquals(id, LooseObjectCopy.write(repo, id, Constants.OBJ_BLOB, data));
                assertEquals(size, loose.length());
                try (java.util.stream.Stream<Path> tmp = Files.list(repo.getDirectory().toPath().resolve("objects"))) {
                    assertTrue(tmp.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temp file left");
                }
                // the stock git client reads it and finds the object store sound
                assertEquals(data.length, Integer.parseInt(git(repo, "cat-file", "-s", id.name())));
                git(repo, "fsck", "--strict");
            }
        }
    }

    private Repository bare(String name) throws Exception {
        Repository repo = new FileRepositoryBuilder().setGitDir(dir.resolve(name + ".git").toFile()).setBare().build();
        repo.create(true);
        return repo;
    }

    private static String git(Repository repo, String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "--git-dir", repo.getDirectory().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + ": " + out);
        return out;
    }
}
