package dev.flowstage.storage.snapshot;

/**
 * Turns byte offsets in a UTF-8 file into 1-based line and column numbers, where a column counts
 * characters (not bytes) and a line ends at LF, CR LF or a lone CR (as Jackson counts lines).
 * Successive calls with growing offsets cost only the bytes in between.
 */
final class TextPositions {
    private final byte[] text;
    private final int bomLength;
    private int offset;
    private int line = 1;
    private int lineStart;

    TextPositions(byte[] text) {
        this.text = text;
        this.bomLength = text.length >= 3 && (text[0] & 0xFF) == 0xEF && (text[1] & 0xFF) == 0xBB
                && (text[2] & 0xFF) == 0xBF ? 3 : 0;
        this.offset = bomLength;
        this.lineStart = bomLength;
    }

    /** Line and column of the byte at {@code byteOffset} (clamped to the end of the text), as {line, column}. */
    int[] at(long byteOffset) {
        int target = (int) Math.max(bomLength, Math.min(byteOffset, text.length));
        if (target < offset) {
            offset = bomLength;
            lineStart = bomLength;
            line = 1;
        }
        while (offset < target) {
            byte b = text[offset++];
            if (b == '\n' || (b == '\r' && (offset >= text.length || text[offset] != '\n'))) {
                line++;
                lineStart = offset;
            }
        }
        return new int[] {line, 1 + characters(lineStart, target)};
    }

    /** Byte offset of the start of {@code lineNr} plus {@code byteColumn - 1} bytes: Jackson's own (line, byte column). */
    long offsetOf(int lineNr, int byteColumn) {
        int l = 1;
        int i = bomLength;
        while (l < lineNr && i < text.length) {
            byte b = text[i++];
            if (b == '\n' || (b == '\r' && (i >= text.length || text[i] != '\n'))) {
                l++;
            }
        }
        // Jackson's columns on line 1 include the byte-order mark.
        int start = lineNr == 1 ? 0 : i;
        return Math.min((long) start + Math.max(0, byteColumn - 1), text.length);
    }

    private int characters(int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if ((text[i] & 0xC0) != 0x80) { // count lead bytes only: one per character
                n++;
            }
        }
        return n;
    }
}
