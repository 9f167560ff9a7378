package dev.flowstage.server.e2e;

import dev.flowstage.server.testing.SshKeyPairs;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.util.Map;

/** The three ways the stock git client reaches a repository; each test that takes one runs per transport. */
enum Transport {
    HTTP, HTTPS, SSH;

    /** The clone URL of {@code team/name} for {@code user} (token in the URL for HTTP(S), key for SSH). */
    String url(TestServer server, TestUser user, String team, String name) {
        return switch (this) {
            case HTTP -> "http://" + user.name() + ":" + user.token() + "@127.0.0.1:" + server.httpPort()
                    + "/git/" + team + "/" + name + ".git";
            case HTTPS -> "https://" + user.name() + ":" + user.token() + "@localhost:" + server.httpsPort()
                    + "/git/" + team + "/" + name + ".git";
            case SSH -> "ssh://git@127.0.0.1:" + server.sshPort() + "/" + team + "/" + name + ".git";
        };
    }

    /** Environment the git client needs for this transport: the server's CA for HTTPS, the key for SSH. */
    Map<String, String> env(TestServer server, TestUser user) {
        return switch (this) {
            case HTTP -> Map.of();
            case HTTPS -> Map.of("GIT_SSL_CAINFO", server.tlsCertificate().toString());
            case SSH -> Map.of("GIT_SSH_COMMAND",
                    SshKeyPairs.sshCommand(user.sshKey(), server.sshPort(), server.workDir().resolve("known_hosts")));
        };
    }
}
