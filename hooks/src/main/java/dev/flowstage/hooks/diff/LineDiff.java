package dev.flowstage.hooks.diff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * A line diff (Myers' O(ND) algorithm after trimming the common head and tail) and its unified
 * rendering with {@code @@} hunks, as {@code git diff} shows it. When the two texts differ in more than
 * {@link #MAX_EDITS} lines the middle is shown as replaced whole, which bounds time and memory.
 */
public final class LineDiff {
    /** Beyond this many inserted plus deleted lines, the differing middle is reported as one replacement. */
    public static final int MAX_EDITS = 1000;

    /** What happens to one line. */
    public enum Op { EQUAL, DELETE, INSERT }

    /** One line of the edit script. */
    public record Edit(Op op, String line) {}

    private LineDiff() {}

    /** The lines of {@code text}: split at '\n'; a final newline does not start another line. Null has none. */
    public static List<String> lines(String text) {
        if (text == null || text.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (text.endsWith("\n")) {
            lines.remove(lines.size() - 1);
        }
        return lines;
    }

    /** The shortest edit script turning {@code a} into {@code b} (within {@link #MAX_EDITS}). */
    public static List<Edit> diff(List<String> a, List<String> b) {
        int head = 0;
        while (head < a.size() && head < b.size() && a.get(head).equals(b.get(head))) {
            head++;
        }
        int tail = 0;
        while (tail < a.size() - head && tail < b.size() - head
                && a.get(a.size() - 1 - tail).equals(b.get(b.size() - 1 - tail))) {
            tail++;
        }
        List<Edit> script = new ArrayList<>(Math.max(a.size(), b.size()) + 8);
        for (int i = 0; i < head; i++) {
            script.add(new Edit(Op.EQUAL, a.get(i)));
        }
        List<String> midA = a.subList(head, a.size() - tail);
        List<String> midB = b.subList(head, b.size() - tail);
        List<Edit> middle = myers(midA, midB);
        if (middle == null) {
            midA.forEach(l -> script.add(new Edit(Op.DELETE, l)));
            midB.forEach(l -> script.add(new Edit(Op.INSERT, l)));
        } else {
            script.addAll(middle);
        }
        for (int i = a.size() - tail; i < a.size(); i++) {
            script.add(new Edit(Op.EQUAL, a.get(i)));
        }
        return script;
    }

    /** Myers' greedy forward search keeping each round's diagonal band for the walk back; null past MAX_EDITS. */
    private static List<Edit> myers(List<String> a, List<String> b) {
        int n = a.size();
        int m = b.size();
        if (n == 0 || m == 0) {
            List<Edit> edits = new ArrayList<>(n + m);
            a.forEach(l -> edits.add(new Edit(Op.DELETE, l)));
            b.forEach(l -> edits.add(new Edit(Op.INSERT, l)));
            return edits;
        }
        int max = Math.min(n + m, MAX_EDITS);
        int offset = max + 1;
        int[] v = new int[2 * max + 3];
        List<int[]> trace = new ArrayList<>();
        for (int d = 0; d <= max; d++) {
            trace.add(Arrays.copyOfRange(v, offset - d, offset + d + 1));
            for (int k = -d; k <= d; k += 2) {
                int x = (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                        ? v[offset + k + 1] : v[offset + k - 1] + 1;
                int y = x - k;
                while (x < n && y < m && a.get(x).equals(b.get(y))) {
                    x++;
                    y++;
                }
                v[offset + k] = x;
                if (x >= n && y >= m) {
                    return walkBack(a, b, trace, d);
                }
            }
        }
        return null;
    }

    private static List<Edit> walkBack(List<String> a, List<String> b, List<int[]> trace, int dEnd) {
        List<Edit> reversed = new ArrayList<>();
        int x = a.size();
        int y = b.size();
        for (int d = dEnd; d > 0; d--) {
            int[] band = trace.get(d); // the diagonals after round d-1, index k + d
            int k = x - y;
            boolean down = k == -d || (k != d && band[k - 1 + d] < band[k + 1 + d]);
            int prevK = down ? k + 1 : k - 1;
            int prevX = band[prevK + d];
            int prevY = prevX - prevK;
            while (x > prevX && y > prevY) {
                reversed.add(new Edit(Op.EQUAL, a.get(--x)));
                y--;
            }
            if (down) {
                reversed.add(new Edit(Op.INSERT, b.get(--y)));
            } else {
                reversed.add(new Edit(Op.DELETE, a.get(--x)));
            }
        }
        while (x > 0 && y > 0) {
            reversed.add(new Edit(Op.EQUAL, a.get(--x)));
            y--;
        }
        Collections.reverse(reversed);
        return reversed;
    }

    /** The unified diff of two texts with {@code context} lines around each change; empty when equal. */
    public static String unified(String before, String after, int context) {
        return unified(diff(lines(before), lines(after)), context);
    }

    /** Renders an edit script as unified-diff hunks ({@code @@ -a,n +b,m @@}, then ' ', '-', '+' lines). */
    public static String unified(List<Edit> script, int context) {
        StringBuilder out = new StringBuilder();
        int size = script.size();
        // aAt[i], bAt[i]: how many lines of each side come before edit i
        int[] aAt = new int[size + 1];
        int[] bAt = new int[size + 1];
        for (int e = 0; e < size; e++) {
            Op op = script.get(e).op();
            aAt[e + 1] = aAt[e] + (op != Op.INSERT ? 1 : 0);
            bAt[e + 1] = bAt[e] + (op != Op.DELETE ? 1 : 0);
        }
        int i = 0;
        while (i < size) {
            if (script.get(i).op() == Op.EQUAL) {
                i++;
                continue;
            }
            // A hunk runs from `context` lines before this change to `context` lines after the last
            // change that is at most 2 * context equal lines from the previous one.
            int start = Math.max(0, i - context);
            int end = i;
            int j = i;
            while (j < size) {
                if (script.get(j).op() != Op.EQUAL) {
                    end = j;
                    j++;
                } else if (j - end > 2 * context) {
                    break;
                } else {
                    j++;
                }
            }
            int stop = Math.min(size, end + context + 1);
            appendHunk(out, script, start, stop, aAt, bAt);
            i = stop;
        }
        return out.toString();
    }

    private static void appendHunk(StringBuilder out, List<Edit> script, int start, int stop, int[] aAt, int[] bAt) {
        int aLine = aAt[start] + 1;
        int bLine = bAt[start] + 1;
        int aCount = aAt[stop] - aAt[start];
        int bCount = bAt[stop] - bAt[start];
        out.append("@@ -").append(range(aLine, aCount)).append(" +").append(range(bLine, bCount)).append(" @@\n");
        for (int i = start; i < stop; i++) {
            Edit e = script.get(i);
            out.append(switch (e.op()) {
                case EQUAL -> ' ';
                case DELETE -> '-';
                case INSERT -> '+';
            }).append(e.line()).append('\n');
        }
    }

    /** "start,count" as git writes it: ",1" is left out, and an empty range starts at the line before. */
    private static String range(int start, int count) {
        if (count == 0) {
            return (start - 1) + ",0";
        }
        return count == 1 ? Integer.toString(start) : start + "," + count;
    }
}
