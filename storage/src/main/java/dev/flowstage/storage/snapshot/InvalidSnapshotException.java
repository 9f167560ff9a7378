package dev.flowstage.storage.snapshot;

import java.util.List;
import java.util.stream.Collectors;

/** A snapshot that cannot be accepted; the message lists every problem, one per line. */
public final class InvalidSnapshotException extends RuntimeException {
    private final List<SnapshotProblem> problems;

    public InvalidSnapshotException(List<SnapshotProblem> problems) {
        super(problems.stream().map(SnapshotProblem::describe).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<SnapshotProblem> problems() {
        return problems;
    }
}
