package dev.flowstage.hooks.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.RefFilter;
import org.eclipse.jgit.transport.UploadPack;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fast ls-refs answer against JGit's own UploadPack, byte for byte, and what it leaves to UploadPack. */
class LsRefsCommandTest {
    @TempDir
    Path dir;
    private Repository repo;

    @BeforeEach
    void setUp() throws Exception {
        try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call()) {
            repo = git.getRepository();
            RevCommit first = git.commit().setMessage("first").setAllowEmpty(true).call();
            git.commit().setMessage("second").setAllowEmpty(true).call();
            git.tag().setName("v1").setAnnotated(true).setMessage("release").setObjectId(first).call();
            git.tag().setName("light").setAnnotated(false).setObjectId(first).call();
            for (String ref : List.of("refs/heads/main-old", "refs/heads/mainline/x", "refs/heads/device",
                    "refs/heads/feature", "refs/for/main", "refs/reviews/1")) {
                RefUpdate ru = repo.updateRef(ref);
                ru.setNewObjectId(first);
                ru.update();
            }
        }
    }

    @Test
    void answersExactlyAsUploadPackDoes() throws Exception {
        List<List<String>> argumentSets = List.of(
                List.of("ref-prefix refs/heads/main"),
                List.of("symrefs", "ref-prefix HEAD"),
                List.of("symrefs", "peel", "ref-prefix HEAD", "ref-prefix refs/heads/", "ref-prefix refs/tags/"),
                List.of("peel", "ref-prefix refs/tags/v"),
                List.of("ref-prefix refs/heads/main", "ref-prefix refs/heads/main"),
                List.of("ref-prefix refs/nothing/"),
                List.of("ref-prefix refs/"),
                List.of("symrefs", "ref-prefix H"),
                List.of(),
                List.of("symrefs", "peel"));
        for (List<String> args : argumentSets) {
            for (RefFilter filter : List.of(RefFilter.DEFAULT, DeviceRefFilter.INSTANCE)) {
                for (List<String> capabilities : List.of(List.<String>of(),
                        List.of("agent=git/2.39.5", "object-format=sha1"), List.of("server-option=a", "session-id=1"))) {
                    LsRefsCommand command = LsRefsCommand.parse(request("command=ls-refs", capabilities, args)).orElseThrow();
                    UploadPack up = new UploadPack(repo);
                    up.setExtraParameters(List.of("version=2"));
                    up.setRefFilter(filter);
                    String expected = new String(command.answer(up), StandardCharsets.UTF_8);
                    assertEquals(expected, new String(command.answer(repo, filter), StandardCharsets.UTF_8),
                            args + " " + filter.getClass().getSimpleName());
                    assertTrue(expected.endsWith("0000"), expected);
                }
            }
        }
    }

    @Test
    void readsEveryPartOfTheRequest() throws Exception {
        LsRefsCommand c = LsRefsCommand.parse(request("command=ls-refs", List.of("agent=x"),
                List.of("peel", "symrefs", "ref-prefix HEAD", "ref-prefix refs/heads/"))).orElseThrow();
        assertTrue(c.peel());
        assertTrue(c.symrefs());
        assertEquals(List.of("HEAD", "refs/heads/"), c.prefixes());
        String main = new String(LsRefsCommand.parse(request("command=ls-refs", List.of(), List.of("ref-prefix refs/heads/main")))
                .orElseThrow().answer(repo, RefFilter.DEFAULT), StandardCharsets.UTF_8);
        ObjectId tip = repo.resolve("refs/heads/main");
        // refs/heads/main-old and refs/heads/mainline/x share the prefix, as in C git
        assertTrue(main.contains(tip.name() + " refs/heads/main\n"), main);
        assertTrue(main.contains(" refs/heads/main-old\n"), main);
        assertTrue(main.contains(" refs/heads/mainline/x\n"), main);
    }

    @Test
    void withRefsUnbornChangesNothing() throws Exception {
        // HEAD exists, so the answer is UploadPack's to the same request without "unborn"
        for (RefFilter filter : List.of(RefFilter.DEFAULT, DeviceRefFilter.INSTANCE)) {
            List<String> args = List.of("peel", "symrefs", "ref-prefix HEAD", "ref-prefix refs/heads/");
            UploadPack up = new UploadPack(repo);
            up.setExtraParameters(List.of("version=2"));
            up.setRefFilter(filter);
            String expected = new String(LsRefsCommand.parse(request("command=ls-refs", List.of(), args))
                    .orElseThrow().answer(up), StandardCharsets.UTF_8);
            List<String> withUnborn = new ArrayList<>(args);
            withUnborn.add(0, "unborn");
            LsRefsCommand command = LsRefsCommand.parse(request("command=ls-refs", List.of(), withUnborn)).orElseThrow();
            assertTrue(command.unborn());
            assertEquals(expected, new String(command.answer(repo, filter), StandardCharsets.UTF_8));
            assertFalse(expected.contains("unborn"), expected);
        }
    }

    @Test
    void namesTheBranchOfAnUnbornHeadAsCGitDoes() throws Exception {
        try (Git git = Git.init().setDirectory(dir.resolve("empty").toFile()).setBare(true).setInitialBranch("main").call()) {
            Repository empty = git.getRepository();
            String clone = "unborn HEAD symref-target:refs/heads/main\n";
            // what git clone sends to an empty repository
            List<String> cloneArgs = List.of("peel", "symrefs", "unborn", "ref-prefix HEAD", "ref-prefix refs/heads/",
                    "ref-prefix refs/tags/");
            for (RefFilter filter : List.of(RefFilter.DEFAULT, DeviceRefFilter.INSTANCE)) {
                assertEquals(pkts(clone) + "0000", answer(empty, filter, cloneArgs));
            }
            // C git names it only with symrefs too, and only for a prefix that matches HEAD
            assertEquals("0000", answer(empty, RefFilter.DEFAULT, List.of("unborn", "ref-prefix HEAD")));
            assertEquals("0000", answer(empty, RefFilter.DEFAULT, List.of("unborn", "symrefs", "ref-prefix refs/")));
            assertEquals(pkts(clone) + "0000", answer(empty, RefFilter.DEFAULT, List.of("unborn", "symrefs", "ref-prefix H")));
            // what git ls-remote sends
            assertEquals(pkts(clone) + "0000", answer(empty, RefFilter.DEFAULT, List.of("symrefs", "unborn", "peel")));
            assertEquals("0000", answer(empty, RefFilter.DEFAULT, List.of("symrefs", "ref-prefix HEAD")));
            // a filter that hides HEAD hides the unborn line too
            RefFilter hideAll = refs -> java.util.Map.of();
            assertEquals("0000", answer(empty, hideAll, cloneArgs));

            // main created, HEAD is an ordinary symref again
            RevCommit first;
            try (Git work = Git.init().setDirectory(dir.resolve("work").toFile()).setInitialBranch("main").call()) {
                first = work.commit().setMessage("first").setAllowEmpty(true).call();
                work.push().setRemote(dir.resolve("empty").toUri().toString()).add("main").call();
            }
            assertEquals(pkts(first.name() + " HEAD symref-target:refs/heads/main\n", first.name() + " refs/heads/main\n")
                    + "0000", answer(empty, RefFilter.DEFAULT, cloneArgs));
        }
    }

    private static String answer(Repository repository, RefFilter filter, List<String> args) throws Exception {
        return new String(LsRefsCommand.parse(request("command=ls-refs", List.of(), args)).orElseThrow()
                .answer(repository, filter), StandardCharsets.UTF_8);
    }

    @Test
    void leavesEverythingElseToUploadPack() {
        List<byte[]> others = new ArrayList<>();
        others.add(request("command=fetch", List.of(), List.of("want " + ObjectId.zeroId().name(), "done")));
        others.add(request("command=ls-refs", List.of(), List.of("ref-prefix ")));             // empty prefix
        others.add(request("command=ls-refs", List.of("object-format=sha256"), List.of("ref-prefix HEAD")));
        others.add(request("command=ls-refs", List.of("frobnicate"), List.of("ref-prefix HEAD")));
        others.add(pkts("command=ls-refs\n", "ref-prefix HEAD\n").getBytes(StandardCharsets.UTF_8)); // no delimiter
        byte[] ok = request("command=ls-refs", List.of(), List.of("ref-prefix HEAD"));
        others.add(Arrays.copyOf(ok, ok.length - 4));                                 // no flush
        others.add((new String(ok, StandardCharsets.UTF_8) + "0000").getBytes(StandardCharsets.UTF_8)); // trailing data
        others.add("zzzz".getBytes(StandardCharsets.UTF_8));
        others.add("00".getBytes(StandardCharsets.UTF_8));
        others.add("0002".getBytes(StandardCharsets.UTF_8));
        others.add("00ffcommand=ls-refs\n".getBytes(StandardCharsets.UTF_8));                   // length past the end
        others.add(new byte[0]);
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            many.add("ref-prefix refs/heads/branch-" + i);
        }
        others.add(request("command=ls-refs", List.of(), many));                                 // larger than the limit
        for (byte[] body : others) {
            assertFalse(LsRefsCommand.parse(body).isPresent(), new String(body, StandardCharsets.UTF_8));
        }
    }

    static byte[] request(String command, List<String> capabilities, List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> head = new ArrayList<>();
        head.add(command + "\n");
        for (String c : capabilities) {
            head.add(c + "\n");
        }
        out.writeBytes(pkts(head.toArray(new String[0])).getBytes(StandardCharsets.UTF_8));
        out.writeBytes("0001".getBytes(StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        for (String a : args) {
            lines.add(a + "\n");
        }
        out.writeBytes(pkts(lines.toArray(new String[0])).getBytes(StandardCharsets.UTF_8));
        out.writeBytes("0000".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static String pkts(String... lines) {
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(String.format("%04x", l.getBytes(StandardCharsets.UTF_8).length + 4)).append(l);
        }
        return b.toString();
    }
}
