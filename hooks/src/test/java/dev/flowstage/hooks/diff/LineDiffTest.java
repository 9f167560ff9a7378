package dev.flowstage.hooks.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineDiffTest {
    private static final String NO_NEWLINE = "\\ No newline at end of file\n";

    @TempDir
    Path tmp;

    @Test
    void equalTextsHaveNoDiff() {
        assertEquals(new TextDiff("func", 0, 0, ""), LineDiff.of("func", "a\nb\n", "a\nb\n", 3));
        assertEquals("", LineDiff.unified(null, "", 3));
        assertEquals("", LineDiff.unified("return msg;", "return msg;", 3));
    }

    @Test
    void insertedLineWithContext() {
        String before = "var a = 1;\nvar b = 2;\nvar c = 3;\nvar d = 4;\nreturn msg;";
        String after = "var a = 1;\nvar b = 2;\nvar c = 3;\nnode.warn(c);\nvar d = 4;\nreturn msg;";
        assertEquals(new TextDiff("func", 1, 0, """
                @@ -1,5 +1,6 @@
                 var a = 1;
                 var b = 2;
                 var c = 3;
                +node.warn(c);
                 var d = 4;
                 return msg;
                """), LineDiff.of("func", before, after, 3));
    }

    @Test
    void replacedLine() {
        assertEquals("@@ -2 +2 @@\n-return msg;\n+return null;\n",
                LineDiff.unified("x\nreturn msg;", "x\nreturn null;", 0));
        assertEquals("@@ -1 +1 @@\n-return msg;\n+return null;\n",
                LineDiff.unified("return msg;", "return null;", 3));
    }

    @Test
    void emptySidesWithAndWithoutAFinalNewline() {
        assertEquals("@@ -0,0 +1,2 @@\n+a\n+b\n", LineDiff.unified(null, "a\nb\n", 3));
        assertEquals("@@ -0,0 +1,2 @@\n+a\n+b\n", LineDiff.unified("", "a\nb", 3));
        assertEquals("@@ -1,2 +0,0 @@\n-a\n-b\n", LineDiff.unified("a\nb", "", 3));
        assertEquals("@@ -1,2 +0,0 @@\n-a\n-b\n", LineDiff.unified("a\nb\n", null, 3));
        assertEquals("@@ -0,0 +1 @@\n+\n", LineDiff.unified("", "\n", 3), "one empty line");
        assertEquals(new TextDiff("info", 2, 0, "@@ -0,0 +1,2 @@\n+# Docs\n+here\n"),
                LineDiff.of("info", "", "# Docs\nhere", 3));
    }

    @Test
    void addingTheFinalNewlineIsAChangeOfTheLastLine() {
        // the old hand-written diff split both into the same lines and reported nothing
        assertEquals(new TextDiff("func", 1, 1, "@@ -1,2 +1,2 @@\n a\n-b\n" + NO_NEWLINE + "+b\n"),
                LineDiff.of("func", "a\nb", "a\nb\n", 3));
    }

    @Test
    void removingTheFinalNewlineMarksTheNewSide() {
        assertEquals(new TextDiff("func", 1, 1, "@@ -1,2 +1,2 @@\n a\n-b\n+b\n" + NO_NEWLINE),
                LineDiff.of("func", "a\nb\n", "a\nb", 3));
        assertEquals("@@ -1,3 +1,2 @@\n a\n-b\n-c\n+c\n" + NO_NEWLINE, LineDiff.unified("a\nb\nc\n", "a\nc", 3));
    }

    @Test
    void bothSidesWithoutAFinalNewlineAreNotMarked() {
        assertEquals("@@ -1,2 +1,3 @@\n var a = 1;\n+node.warn(a);\n return msg;\n",
                LineDiff.unified("var a = 1;\nreturn msg;", "var a = 1;\nnode.warn(a);\nreturn msg;", 3));
    }

    @Test
    void nonAsciiTextComesBackUnchanged() {
        assertEquals("@@ -1,2 +1,2 @@\n // Grüße\n-return \"€\";\n+return \"😀\";\n",
                LineDiff.unified("// Grüße\nreturn \"€\";", "// Grüße\nreturn \"😀\";", 3));
    }

    @Test
    void crlfLinesKeepTheirCarriageReturn() {
        assertEquals("@@ -1,3 +1,3 @@\n a\r\n-b\r\n+B\r\n c\r\n", LineDiff.unified("a\r\nb\r\nc\r\n", "a\r\nB\r\nc\r\n", 3));
        // as in git, changing the line endings changes every line
        assertEquals(new TextDiff("func", 2, 2, "@@ -1,2 +1,2 @@\n-a\r\n-b\r\n+a\n+b\n"),
                LineDiff.of("func", "a\r\nb\r\n", "a\nb\n", 3));
        assertEquals("@@ -1,2 +1,2 @@\n a\r\n-b\n" + NO_NEWLINE + "+b\r\n",
                LineDiff.unified("a\r\nb", "a\r\nb\r\n", 3));
    }

    @Test
    void distantChangesGetTheirOwnHunksAndCloseOnesShareOne() {
        List<String> a = numbered(20, "l");
        List<String> b = new ArrayList<>(a);
        b.set(1, "L2");
        b.set(17, "L18");
        assertEquals("""
                @@ -1,5 +1,5 @@
                 l1
                -l2
                +L2
                 l3
                 l4
                 l5
                @@ -15,6 +15,6 @@
                 l15
                 l16
                 l17
                -l18
                +L18
                 l19
                 l20
                """, LineDiff.unified(text(a), text(b), 3));
        List<String> c = new ArrayList<>(a);
        c.set(1, "L2");
        c.set(8, "L9"); // six equal lines apart: one hunk
        String one = LineDiff.unified(text(a), text(c), 3);
        assertEquals(1, hunks(one), one);
        assertEquals("@@ -1,12 +1,12 @@", one.lines().findFirst().orElseThrow());
        c.set(8, "l9");
        c.set(9, "L10"); // seven apart: two
        assertEquals(2, hunks(LineDiff.unified(text(a), text(c), 3)));
    }

    @Test
    void fiveThousandChangedLinesAreDiffedLineByLine() {
        // 5,000 edits: the old diff gave up past 1,000 and showed the whole middle as replaced
        List<String> before = numbered(5000, "line ");
        List<String> after = new ArrayList<>(before);
        for (int i = 0; i < after.size(); i += 2) {
            after.set(i, "changed " + i);
        }
        TextDiff diff = LineDiff.of("func", text(before), text(after), 3);
        assertEquals(2500, diff.linesAdded());
        assertEquals(2500, diff.linesRemoved());
        String head = "@@ -1,5000 +1,5000 @@\n-line 1\n+changed 0\n line 2\n-line 3\n+changed 2\n line 4\n";
        assertEquals(head, diff.unified().substring(0, head.length()));
        assertEquals(text(after), apply(text(before), diff.unified()));
    }

    @Test
    void thousandsOfEditsAmongRepeatedLines() {
        // lines repeated more than HistogramDiff's chain limit: JGit falls back to its Myers diff
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            before.add(i % 2 == 0 ? "{" : "}");
            after.add(i % 2 == 0 ? "{" : "}");
            if (i % 3 == 0) {
                after.add("x");
            }
        }
        TextDiff diff = LineDiff.of("func", text(before), text(after), 3);
        assertEquals(1000, diff.linesAdded());
        assertEquals(0, diff.linesRemoved());
        assertEquals(text(after), apply(text(before), diff.unified()));
    }

    @Test
    void aLargerRegionOfOftenRepeatedLinesIsReplacedWhole() {
        // 2 x 10,001 lines of four values: past MYERS_LIMIT, where Myers would take seconds to minutes
        Random random = new Random(7);
        List<String> before = new ArrayList<>();
        List<String> after = new ArrayList<>();
        for (int i = 0; i <= LineDiff.MYERS_LIMIT; i++) {
            before.add(Character.toString('a' + random.nextInt(4)));
            after.add(Character.toString('a' + random.nextInt(4)));
        }
        before.set(0, "first");
        after.set(after.size() - 1, "last"); // no common first or last line to trim
        TextDiff diff = LineDiff.of("func", text(before), text(after), 3);
        assertEquals(before.size(), diff.linesRemoved());
        assertEquals(after.size(), diff.linesAdded());
        assertEquals(text(after), apply(text(before), diff.unified()));
    }

    @Test
    void aWholeReplacementOfFiveThousandLines() {
        TextDiff diff = LineDiff.of("template", text(numbered(5000, "a")), text(numbered(5000, "b")), 3);
        assertEquals(5000, diff.linesAdded());
        assertEquals(5000, diff.linesRemoved());
        assertEquals(1, hunks(diff.unified()));
    }

    @Test
    void hunksApplyToTheBeforeTextAndGiveTheAfterText() {
        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            String a = randomText(random);
            String b = randomText(random);
            String unified = LineDiff.unified(a, b, random.nextInt(4));
            boolean marked = !a.isEmpty() && !b.isEmpty() && a.endsWith("\n") != b.endsWith("\n");
            assertEquals(marked, unified.contains(NO_NEWLINE), "round " + round);
            // unmarked, the hunks say nothing about a final newline: compare the texts ending with one
            assertEquals(marked ? b : terminated(b), apply(marked ? a : terminated(a), unified),
                    "round " + round + ": " + a + " -> " + b);
        }
    }

    @Test
    void theSameHunksAsGitDiff() throws Exception {
        String[][] cases = {
            {"a\nb\nc\nd\ne\nf\ng\nh\n", "a\nB\nc\nd\ne\nf\ng\nH\ni\n"},
            {"a\nb", "a\nb\n"},
            {"a\nb\n", "x\na\nb"},
            {"a\r\nb\r\n", "a\r\nc\r\n"},
            {"", "a\nb\n"},
        };
        for (String[] c : cases) {
            assertEquals(gitHunks(c[0], c[1]), LineDiff.unified(c[0], c[1], 3), c[0] + " -> " + c[1]);
        }
    }

    /** What {@code git diff --no-index --histogram} prints from the first hunk on. */
    private String gitHunks(String before, String after) throws Exception {
        Path a = Files.writeString(tmp.resolve("a"), before);
        Path b = Files.writeString(tmp.resolve("b"), after);
        Process git = new ProcessBuilder("git", "-c", "core.autocrlf=false", "diff", "--no-index", "--histogram",
                "--no-color", "-U3", a.toString(), b.toString()).redirectErrorStream(true).start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, git.waitFor(), out);
        return out.substring(out.indexOf("@@ -"));
    }

    private static List<String> numbered(int n, String prefix) {
        List<String> lines = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            lines.add(prefix + i);
        }
        return lines;
    }

    private static String text(List<String> lines) {
        return String.join("\n", lines) + "\n";
    }

    private static int hunks(String unified) {
        return (int) unified.lines().filter(l -> l.startsWith("@@ -")).count();
    }

    private static String randomText(Random random) {
        StringBuilder text = new StringBuilder();
        int n = random.nextInt(30);
        for (int i = 0; i < n; i++) {
            text.append((char) ('a' + random.nextInt(4))).append(random.nextInt(5) == 0 ? "\r\n" : "\n");
        }
        if (n > 0 && random.nextBoolean()) {
            text.setLength(text.length() - 1);
        }
        return text.toString();
    }

    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,(\\d+))? \\+\\d+(?:,\\d+)? @@$");

    /** Applies unified hunks to {@code before}: an independent check of what the hunks say. */
    private static String apply(String before, String unified) {
        List<String> oldLines = splitKeepingEnds(before);
        StringBuilder out = new StringBuilder();
        int next = 0; // index of the next before-line not yet copied
        char last = ' ';
        String[] lines = unified.split("(?<=\n)");
        for (int i = 0; i < lines.length && !unified.isEmpty(); i++) {
            String line = lines[i];
            Matcher m = HUNK.matcher(line.substring(0, line.length() - 1));
            if (m.matches()) {
                int start = Integer.parseInt(m.group(1));
                int count = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
                int from = count == 0 ? start : start - 1;
                while (next < from) {
                    out.append(oldLines.get(next++));
                }
            } else if (line.equals(NO_NEWLINE)) {
                if (last != '-') {
                    out.setLength(out.length() - 1);
                }
            } else {
                char op = line.charAt(0);
                last = op;
                String body = line.substring(1);
                if (op != '+') {
                    String expected = oldLines.get(next++);
                    assertEquals(terminatedLine(expected), body, "hunk line does not match the before text");
                    if (op == ' ') {
                        out.append(body);
                    }
                } else {
                    out.append(body);
                }
            }
        }
        while (next < oldLines.size()) {
            out.append(oldLines.get(next++));
        }
        return out.toString();
    }

    private static List<String> splitKeepingEnds(String text) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            end = end < 0 ? text.length() : end + 1;
            lines.add(text.substring(start, end));
            start = end;
        }
        return lines;
    }

    private static String terminated(String text) {
        return text.isEmpty() ? text : terminatedLine(text);
    }

    private static String terminatedLine(String line) {
        return line.endsWith("\n") ? line : line + "\n";
    }
}
