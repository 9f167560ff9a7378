package dev.flowstage.web.api;

import java.util.Objects;

/** The externally visible bases of the Git transports, used to build a target's clone URLs. */
public record PublicUrls(String gitHttpBase, String sshBase) {
    public PublicUrls {
        gitHttpBase = stripSlash(Objects.requireNonNull(gitHttpBase, "gitHttpBase"));
        sshBase = stripSlash(Objects.requireNonNull(sshBase, "sshBase"));
    }

    /** {@code https://HOST:8443/git/TEAM/NAME.git} */
    public String gitUrl(String team, String name) {
        return gitHttpBase + "/git/" + team + "/" + name + ".git";
    }

    /** {@code ssh://git@HOST:2222/TEAM/NAME.git} */
    public String sshUrl(String team, String name) {
        return sshBase + "/" + team + "/" + name + ".git";
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
