package dev.flowstage.server.testing;

/** What a child process did: exit code and its two output streams. */
public record ProcessResult(int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** Both streams, for assertion messages. */
    public String output() {
        return stdout + stderr;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
    }
}
