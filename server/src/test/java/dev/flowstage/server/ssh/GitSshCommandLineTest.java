package dev.flowstage.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.server.ssh.GitSshCommandLine.Service;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GitSshCommandLineTest {
    @Test
    void parsesWhatGitSends() {
        assertEquals(Optional.of(new GitSshCommandLine(Service.UPLOAD_PACK, "/acme/dev.git")),
                GitSshCommandLine.parse("git-upload-pack '/acme/dev.git'"));
        assertEquals(Optional.of(new GitSshCommandLine(Service.RECEIVE_PACK, "acme/dev")),
                GitSshCommandLine.parse("git-receive-pack 'acme/dev'"));
        assertEquals(Optional.of(new GitSshCommandLine(Service.UPLOAD_PACK, "acme/dev.git")),
                GitSshCommandLine.parse("git-upload-pack acme/dev.git"));
        assertEquals(Optional.of(new GitSshCommandLine(Service.RECEIVE_PACK, "/acme/dev.git")),
                GitSshCommandLine.parse("git receive-pack '/acme/dev.git'"));
        // git's sq_quote turns ' into '\'' — unquoted faithfully, then RepoName rejects it.
        assertEquals(Optional.of(new GitSshCommandLine(Service.UPLOAD_PACK, "/a'b")),
                GitSshCommandLine.parse("git-upload-pack '/a'\\''b'"));
    }

    @Test
    void rejectsEverythingElse() {
        for (String line : List.of("", "ls", "git-upload-pack", "git-upload-pack ''", "git-upload-pack 'a' 'b'",
                "git-upload-pack 'unterminated", "git-upload-pack a;rm", "git-upload-pack $(id)",
                "git-upload-archive 'acme/dev.git'", "scp -t /", "git-upload-pack \"acme/dev\"",
                "git-upload-pack acme/dev\\")) {
            assertTrue(GitSshCommandLine.parse(line).isEmpty(), line);
        }
    }

    @Test
    void splitsGitProtocolOnColons() {
        assertEquals(List.of("version=2"), GitSshCommand.protocolParameters("version=2"));
        assertEquals(List.of("version=2", "object-format=sha1"),
                GitSshCommand.protocolParameters("version=2:object-format=sha1"));
        assertEquals(List.of(), GitSshCommand.protocolParameters(null));
        assertEquals(List.of(), GitSshCommand.protocolParameters(""));
    }
}
