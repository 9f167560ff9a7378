package dev.flowstage.server.ssh;

import java.util.Optional;

/**
 * The one command line the SSH transport runs: {@code git-upload-pack '/TEAM/NAME.git'} or
 * {@code git-receive-pack ...}, the path single-quoted as git quotes it (or bare), with or without
 * the leading slash and {@code .git}. The path is left for {@code RepoName.parse} to judge.
 */
record GitSshCommandLine(Service service, String path) {

    /** The two Git services reachable over SSH. */
    enum Service {
        UPLOAD_PACK("git-upload-pack"),
        RECEIVE_PACK("git-receive-pack");

        private final String command;

        Service(String command) {
            this.command = command;
        }

        String command() {
            return command;
        }

        /** "upload-pack", for metrics tags. */
        String shortName() {
            return command.substring(4);
        }
    }

    /** Empty when the line is not one of the two Git commands with exactly one argument. */
    static Optional<GitSshCommandLine> parse(String commandLine) {
        if (commandLine == null) {
            return Optional.empty();
        }
        String line = commandLine.strip();
        for (Service service : Service.values()) {
            // "git upload-pack" is the spelling of git's built-in dashless form; accept both.
            String dashless = "git " + service.command().substring(4);
            for (String name : new String[] {service.command(), dashless}) {
                if (line.startsWith(name + " ")) {
                    return unquote(line.substring(name.length()).strip())
                            .filter(path -> !path.isEmpty())
                            .map(path -> new GitSshCommandLine(service, path));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * One shell word: single-quoted parts taken literally, a backslash escapes one character outside
     * quotes (git writes {@code '} as {@code '\''}). Unquoted whitespace means more than one word.
     */
    static Optional<String> unquote(String word) {
        StringBuilder out = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            if (quoted) {
                if (c == '\'') {
                    quoted = false;
                } else {
                    out.append(c);
                }
            } else if (c == '\'') {
                quoted = true;
            } else if (c == '\\') {
                if (++i == word.length()) {
                    return Optional.empty();
                }
                out.append(word.charAt(i));
            } else if (Character.isWhitespace(c) || c == '"' || c == ';' || c == '|' || c == '&' || c == '`'
                    || c == '$') {
                return Optional.empty();
            } else {
                out.append(c);
            }
        }
        return quoted ? Optional.empty() : Optional.of(out.toString());
    }
}
