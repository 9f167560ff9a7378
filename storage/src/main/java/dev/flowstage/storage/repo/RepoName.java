package dev.flowstage.storage.repo;

import dev.flowstage.storage.Names;
import java.util.Optional;

/** A repository's name: a team and a target name, or {@link #CONFIG} for the team's config repo. */
public record RepoName(String team, String name) {
    public static final String CONFIG = "_config";

    public RepoName {
        if (!Names.isValid(team) || !(Names.isValid(name) || CONFIG.equals(name))) {
            throw new IllegalArgumentException("invalid repository name");
        }
    }

    public boolean isConfig() {
        return CONFIG.equals(name);
    }

    /** "team/name" */
    @Override
    public String toString() {
        return team + "/" + name;
    }

    /**
     * Parses a request path {@code TEAM/NAME.git} or {@code TEAM/NAME} (one optional leading '/',
     * one optional trailing '/'). Anything else — '..', extra segments, upper case, doubled '.git',
     * encoded characters — is empty. Checked before any file path is built.
     */
    public static Optional<RepoName> parse(String path) {
        if (path == null) {
            return Optional.empty();
        }
        String p = path;
        if (p.startsWith("/")) {
            p = p.substring(1);
        }
        if (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        if (p.endsWith(".git")) {
            p = p.substring(0, p.length() - 4);
        }
        int slash = p.indexOf('/');
        if (slash < 0 || p.indexOf('/', slash + 1) >= 0) {
            return Optional.empty();
        }
        String team = p.substring(0, slash);
        String name = p.substring(slash + 1);
        if (!Names.isValid(team) || !(Names.isValid(name) || CONFIG.equals(name))) {
            return Optional.empty();
        }
        return Optional.of(new RepoName(team, name));
    }
}
