package dev.flowstage.hooks.review;

/**
 * The comment an owner gives with an approval or a rejection: optional, plain text of at most
 * {@link #MAX_LENGTH} characters, with line breaks and tabs but no other control characters. It is stored
 * and shown as text, never as HTML.
 */
public final class ReviewComment {
    /** Characters (Unicode code points) a comment may have once its outer blanks are stripped. */
    public static final int MAX_LENGTH = 2000;

    private ReviewComment() {}

    /**
     * The comment as it is stored: {@code null} when {@code raw} is null or blank, else stripped, with
     * {@code \r\n} and {@code \r} line breaks written as {@code \n}.
     * @throws InvalidReviewCommentException when it is too long or holds a control character
     */
    public static String check(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String text = raw.strip().replace("\r\n", "\n").replace('\r', '\n');
        int length = text.codePointCount(0, text.length());
        if (length > MAX_LENGTH) {
            throw new InvalidReviewCommentException("comment must be at most " + MAX_LENGTH + " characters, not "
                    + length);
        }
        int position = 0;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            position++;
            if (Character.isISOControl(c) && c != '\n' && c != '\t') {
                throw new InvalidReviewCommentException(String.format(
                        "comment must not contain control characters: U+%04X at character %d (line breaks and tabs"
                                + " are fine)", c, position));
            }
            i += Character.charCount(c);
        }
        return text;
    }
}
