package dev.flowstage.storage.snapshot;

/**
 * One thing wrong with a snapshot file: the file, where (1-based line and column, 0 when not known)
 * and a short message for a flow developer.
 */
public record SnapshotProblem(String file, int line, int column, String message) {

    public static SnapshotProblem of(String file, String message) {
        return new SnapshotProblem(file, 0, 0, message);
    }

    public boolean hasLocation() {
        return line > 0;
    }

    /**
     * The line a Git client shows, e.g. {@code flowstage: flows.json: line 12, column 5: expected ',' or ']'}.
     * Problems about a node put the location last, so the message leads.
     */
    public String render() {
        return "flowstage: " + describe();
    }

    /** {@link #render()} without the {@code flowstage: } prefix. */
    public String describe() {
        if (!hasLocation()) {
            return file + ": " + message;
        }
        if (message.startsWith("node ")) {
            return file + ": " + message + " (line " + line + ", column " + column + ")";
        }
        return file + ": line " + line + ", column " + column + ": " + message;
    }

    @Override
    public String toString() {
        return describe();
    }
}
