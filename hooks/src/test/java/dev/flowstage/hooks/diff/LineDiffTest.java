package dev.flowstage.hooks.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineDiffTest {

    @Test
    void equalTextsHaveNoDiff() {
        assertEquals("", LineDiff.unified("a\nb\n", "a\nb\n", 3));
        assertEquals("", LineDiff.unified(null, "", 3));
    }

    @Test
    void insertedLineWithContext() {
        String before = "var a = 1;\nvar b = 2;\nvar c = 3;\nvar d = 4;\nreturn msg;";
        String after = "var a = 1;\nvar b = 2;\nvar c = 3;\nnode.warn(c);\nvar d = 4;\nreturn msg;";
        assertEquals("""
                @@ -1,5 +1,6 @@
                 var a = 1;
                 var b = 2;
                 var c = 3;
                +node.warn(c);
                 var d = 4;
                 return msg;
                """, LineDiff.unified(before, after, 3));
    }

    @Test
    void replacedLine() {
        assertEquals("@@ -2 +2 @@\n-return msg;\n+return null;\n",
                LineDiff.unified("x\nreturn msg;", "x\nreturn null;", 0));
        assertEquals("@@ -1 +1 @@\n-return msg;\n+return null;\n",
                LineDiff.unified("return msg;", "return null;", 3));
    }

    @Test
    void fromAndToNothing() {
        assertEquals("@@ -0,0 +1,2 @@\n+a\n+b\n", LineDiff.unified(null, "a\nb\n", 3));
        assertEquals("@@ -1,2 +0,0 @@\n-a\n-b\n", LineDiff.unified("a\nb", "", 3));
    }

    @Test
    void distantChangesGetTheirOwnHunksAndCloseOnesShareOne() {
        List<String> a = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            a.add("l" + i);
        }
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
                """, LineDiff.unified(LineDiff.diff(a, b), 3));
        List<String> c = new ArrayList<>(a);
        c.set(1, "L2");
        c.set(8, "L9"); // six equal lines apart: one hunk
        String one = LineDiff.unified(LineDiff.diff(a, c), 3);
        assertEquals(1, one.split("@@ -", -1).length - 1, one);
        assertEquals("@@ -1,12 +1,12 @@", one.lines().findFirst().orElseThrow());
    }

    @Test
    void linesIgnoreAFinalNewline() {
        assertEquals(List.of("a", "b"), LineDiff.lines("a\nb\n"));
        assertEquals(List.of("a", "", "b"), LineDiff.lines("a\n\nb"));
        assertEquals(List.of(), LineDiff.lines(""));
    }

    @Test
    void scriptsAreCorrectAndShortestOnRandomInputs() {
        Random random = new Random(42);
        for (int round = 0; round < 500; round++) {
            List<String> a = randomLines(random, random.nextInt(30));
            List<String> b = randomLines(random, random.nextInt(30));
            List<LineDiff.Edit> script = LineDiff.diff(a, b);
            assertEquals(a, side(script, LineDiff.Op.INSERT), "before side of round " + round);
            assertEquals(b, side(script, LineDiff.Op.DELETE), "after side of round " + round);
            long edits = script.stream().filter(e -> e.op() != LineDiff.Op.EQUAL).count();
            assertEquals(a.size() + b.size() - 2L * lcs(a, b), edits, "not shortest in round " + round);
        }
    }

    @Test
    void hugeDifferencesFallBackToReplacingTheMiddle() {
        List<String> a = new ArrayList<>();
        List<String> b = new ArrayList<>();
        a.add("same head");
        b.add("same head");
        for (int i = 0; i < LineDiff.MAX_EDITS; i++) {
            a.add("a" + i);
            b.add("b" + i);
        }
        a.add("same tail");
        b.add("same tail");
        List<LineDiff.Edit> script = LineDiff.diff(a, b);
        assertEquals(a, side(script, LineDiff.Op.INSERT));
        assertEquals(b, side(script, LineDiff.Op.DELETE));
        assertEquals(LineDiff.Op.EQUAL, script.get(0).op());
        assertEquals(LineDiff.Op.EQUAL, script.get(script.size() - 1).op());
    }

    private static List<String> randomLines(Random random, int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(Character.toString('a' + random.nextInt(4)));
        }
        return lines;
    }

    /** The lines of one side: everything but the edits of the other side. */
    private static List<String> side(List<LineDiff.Edit> script, LineDiff.Op other) {
        return script.stream().filter(e -> e.op() != other).map(LineDiff.Edit::line).toList();
    }

    private static int lcs(List<String> a, List<String> b) {
        int[][] t = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                t[i][j] = a.get(i).equals(b.get(j)) ? t[i + 1][j + 1] + 1 : Math.max(t[i + 1][j], t[i][j + 1]);
            }
        }
        return t[0][0];
    }
}
