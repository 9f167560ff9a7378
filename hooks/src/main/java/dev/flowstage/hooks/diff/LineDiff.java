package dev.flowstage.hooks.diff;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.eclipse.jgit.diff.DiffAlgorithm;
import org.eclipse.jgit.diff.DiffFormatter;
import org.eclipse.jgit.diff.Edit;
import org.eclipse.jgit.diff.EditList;
import org.eclipse.jgit.diff.HistogramDiff;
import org.eclipse.jgit.diff.MyersDiff;
import org.eclipse.jgit.diff.RawText;
import org.eclipse.jgit.diff.RawTextComparator;
import org.eclipse.jgit.diff.Sequence;
import org.eclipse.jgit.diff.SequenceComparator;

/**
 * The line diff of a text property, computed and rendered by JGit as {@code git diff --histogram}
 * does: {@code @@ -a,n +b,m @@} hunks of ' ', '-' and '+' lines, with no limit on the number of edits
 * (only a region of more than {@link #MYERS_LIMIT} lines that repeat too often for the histogram, where
 * finding the best diff would take minutes, is shown as replaced whole).
 *
 * <p>Lines end at '\n' and keep everything before it, so a '\r' of CRLF text is part of its line (as in
 * git: converting line endings changes every line). A missing final newline is reported as git reports
 * it, by {@code \ No newline at end of file} under the last line of the side that lacks it, when the
 * change adds or removes that newline (both sides non-empty, one ending with '\n' and the other not).
 * When both sides lack it, which is how Node-RED keeps a function's code, nothing about it changed and
 * the marker is left out, as it would otherwise follow the last line of nearly every code diff.
 */
public final class LineDiff {
    /**
     * Largest region of repeated lines (both sides' lines added up) that HistogramDiff hands to JGit's
     * Myers diff; a larger one is shown replaced whole. Myers costs lines times edits there: measured
     * here, 2 x 5,000 random lines of four values take 1-2 s, 2 x 50,000 about 45 s.
     */
    static final int MYERS_LIMIT = 10_000;

    private LineDiff() {}

    /** The diff of {@code property} from {@code before} to {@code after} (null counts as empty text). */
    public static TextDiff of(String property, String before, String after, int context) {
        String a = before == null ? "" : before;
        String b = after == null ? "" : after;
        if (!finalNewlineChanged(a, b)) {
            // ending both in '\n' leaves which lines differ unchanged and gives DiffFormatter no marker to write
            a = terminated(a);
            b = terminated(b);
        }
        RawText oldText = new RawText(a.getBytes(UTF_8));
        RawText newText = new RawText(b.getBytes(UTF_8));
        HistogramDiff histogram = new HistogramDiff();
        histogram.setFallbackAlgorithm(BoundedMyers.INSTANCE);
        EditList edits = histogram.diff(RawTextComparator.DEFAULT, oldText, newText);
        int added = 0;
        int removed = 0;
        for (Edit e : edits) {
            added += e.getLengthB();
            removed += e.getLengthA();
        }
        return new TextDiff(property, added, removed, format(edits, oldText, newText, context));
    }

    /** The unified hunks from {@code before} to {@code after}; empty when they are equal. */
    public static String unified(String before, String after, int context) {
        return of("", before, after, context).unified();
    }

    private static String format(EditList edits, RawText a, RawText b, int context) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DiffFormatter formatter = new DiffFormatter(out)) {
            formatter.setContext(context);
            formatter.format(edits, a, b);
            formatter.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.toString(UTF_8);
    }

    /** JGit's Myers diff for regions up to {@link #MYERS_LIMIT} lines, a whole replacement past it. */
    private static final class BoundedMyers extends DiffAlgorithm {
        static final BoundedMyers INSTANCE = new BoundedMyers();

        @Override
        public <S extends Sequence> EditList diffNonCommon(SequenceComparator<? super S> cmp, S a, S b) {
            if (a.size() + b.size() <= MYERS_LIMIT) {
                return MyersDiff.INSTANCE.diffNonCommon(cmp, a, b);
            }
            EditList whole = new EditList();
            whole.add(new Edit(0, a.size(), 0, b.size()));
            return whole;
        }
    }

    private static boolean finalNewlineChanged(String a, String b) {
        return !a.isEmpty() && !b.isEmpty() && a.endsWith("\n") != b.endsWith("\n");
    }

    private static String terminated(String text) {
        return text.isEmpty() || text.endsWith("\n") ? text : text + "\n";
    }
}
