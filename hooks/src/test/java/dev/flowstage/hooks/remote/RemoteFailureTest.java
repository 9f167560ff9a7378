package dev.flowstage.hooks.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import org.eclipse.jgit.errors.TransportException;
import org.junit.jupiter.api.Test;

/** How transport failures are put into words: from the messages' words, never from the digits of a URL or path. */
class RemoteFailureTest {
    private static RemoteFailure.Reason reasonOf(String message, String url) {
        return RemoteFailure.of(new TransportException(message, new IOException(message)), url).reason();
    }

    @Test
    void aPortThatContains401IsNotAnAuthenticationFailure() {
        // CI saw this: port 40171 in the URL made a host key mismatch read as "credentials refused".
        String url = "ssh://root@127.0.0.1:40171/tmp/junit-15925579741325055316/remote/repos/flows.git";
        assertEquals(RemoteFailure.Reason.HOST_KEY_MISMATCH,
                reasonOf(url + ": Server key did not validate", url));
        assertEquals(RemoteFailure.Reason.FAILED, reasonOf(url + ": something else went wrong", url));
    }

    @Test
    void pathsAndScpAddressesWithStatusLikeDigitsAreIgnored() {
        assertEquals(RemoteFailure.Reason.FAILED,
                reasonOf("cannot read /srv/git/404/flows.git: broken pipe", "https://h/x.git"));
        assertEquals(RemoteFailure.Reason.FAILED,
                reasonOf("git@host:team/403.git: broken pipe", "git@host:team/403.git"));
        assertEquals(RemoteFailure.Reason.FAILED,
                reasonOf("https://h:4030/a.git: broken pipe", "https://h:4030/a.git"));
    }

    @Test
    void realStatusWordsAreStillRead() {
        String url = "https://127.0.0.1:40443/r.git";
        assertEquals(RemoteFailure.Reason.AUTHENTICATION_FAILED, reasonOf(url + ": not authorized", url));
        assertEquals(RemoteFailure.Reason.AUTHENTICATION_FAILED, reasonOf(url + ": 401 Unauthorized", url));
        assertEquals(RemoteFailure.Reason.AUTHENTICATION_FAILED, reasonOf("HTTP 403 Forbidden", url));
        assertEquals(RemoteFailure.Reason.AUTHENTICATION_FAILED,
                reasonOf("ssh://git@h:22/r.git: No more authentication methods available", url));
        assertEquals(RemoteFailure.Reason.REPOSITORY_NOT_FOUND, reasonOf(url + ": 404 Not Found", url));
        assertEquals(RemoteFailure.Reason.HOST_KEY_MISMATCH, reasonOf("Server key did not validate", url));
    }

    @Test
    void addressesAreTakenOutOfTheText() {
        assertEquals("said no", RemoteFailure.withoutAddresses("ssh://a@b:40171/x.git /tmp/401 said no").strip());
    }
}
