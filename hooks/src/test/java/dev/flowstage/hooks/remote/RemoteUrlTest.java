package dev.flowstage.hooks.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.storage.meta.MetaInvalidException;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;

/** The URL forms an external repository may have, and the message for each malformed one. */
class RemoteUrlTest {
    @Test
    void scpLikeUrlsAreSshUrls() {
        URIish github = RemoteUrl.check("git@github.com:acme/flows.git", RemoteProtocol.SSH);
        assertNull(github.getScheme());
        assertEquals("git", github.getUser());
        assertEquals("github.com", github.getHost());
        assertEquals("acme/flows.git", github.getPath());
        assertEquals(-1, github.getPort());
        assertEquals(RemoteProtocol.SSH, RemoteUrl.protocolOf("git@github.com:acme/flows.git"));
        assertEquals(RemoteProtocol.SSH, RemoteUrl.protocolOf("gitea.local:/srv/git/flows.git"));
        assertEquals("/srv/git/flows.git", RemoteUrl.check("rita@10.0.0.5:/srv/git/flows.git", null).getPath());
        assertEquals(RemoteProtocol.SSH, RemoteUrl.protocolOf("ssh://git@host:2222/flows.git"));
        assertEquals(RemoteProtocol.HTTPS, RemoteUrl.protocolOf("https://host/flows.git"));
    }

    @Test
    void aProtocolThatDoesNotMatchTheUrlIsAMismatch() {
        assertEquals("protocol mismatch: 'protocol' is https but 'url' is an ssh URL", message(
                "git@github.com:acme/flows.git", RemoteProtocol.HTTPS));
        assertEquals("protocol mismatch: 'protocol' is ssh but 'url' is an https URL", message(
                "https://github.com/acme/flows.git", RemoteProtocol.SSH));
    }

    @Test
    void malformedUrlsAreNamed() {
        String forms = "an https:// URL, an ssh:// URL or USER@HOST:PATH";
        assertEquals("'url' is not a Git URL: it must be " + forms + " (for example git@github.com:acme/flows.git)",
                message("git@github.com", null));
        assertEquals("'url' is not a Git URL: it must be " + forms + " (for example git@github.com:acme/flows.git)",
                message("acme/flows.git", null));
        assertEquals("'url' is not a Git URL: it must be " + forms + " (for example git@github.com:acme/flows.git)",
                message("git@:acme/flows.git", null));
        assertEquals("'url' must name a repository: a path after the host", message("git@github.com:", null));
        assertEquals("'url' must name a repository: a path after the host", message("ssh://git@host", null));
        assertEquals("'url' must name a repository: a path after the host", message("https://host/", null));
        assertEquals("'url': 'bad_host!' is not a host name or address", message("git@bad_host!:x.git", null));
        assertEquals("'url' must not contain spaces", message("git@host:acme flows.git", null));
        assertEquals("'url' must be " + forms + "; ftp:// is not offered", message("ftp://host/x.git", null));
        assertEquals("'url' must name a host", message("ssh:///srv/x.git", null));
        assertEquals("'url' is required", message(" ", RemoteProtocol.SSH));
    }

    @Test
    void theAddressPolicyAppliesToScpLikeLiterals() {
        MetaInvalidException e = assertThrows(MetaInvalidException.class, () -> RemoteUrl.parse(
                "git@169.254.169.254:x.git", RemoteProtocol.SSH, AddressPolicy.parse("0.0.0.0/0")));
        assertEquals("'url': ", e.getMessage().substring(0, 7));
    }

    private static String message(String url, RemoteProtocol protocol) {
        return assertThrows(MetaInvalidException.class, () -> RemoteUrl.check(url, protocol)).getMessage();
    }
}
