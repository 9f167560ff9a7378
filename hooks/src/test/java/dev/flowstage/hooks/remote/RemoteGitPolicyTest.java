package dev.flowstage.hooks.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.storage.meta.MetaInvalidException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jgit.transport.URIish;
import org.junit.jupiter.api.Test;

/**
 * The outbound policy applies to the address a Git connection actually goes to: a host name resolving to
 * a loopback address is refused at connect time, before any byte is sent, over HTTPS and SSH alike.
 */
class RemoteGitPolicyTest {
    @Test
    void aNameThatResolvesToAnAddressThePolicyRefusesIsNeverConnectedTo() throws Exception {
        AtomicInteger accepted = new AtomicInteger();
        try (ServerSocket listener = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try {
                    listener.accept().close();
                    accepted.incrementAndGet();
                } catch (Exception closed) {
                    // the test is over
                }
            });
            t.setDaemon(true);
            t.start();
            // "git.example.test" is made to resolve to loopback: public-only must refuse it
            OutboundConnector connector = new OutboundConnector(AddressPolicy.PUBLIC_ONLY,
                    host -> new InetAddress[] {InetAddress.getByName("127.0.0.1")});
            RemoteGit git = new RemoteGit(connector);
            int port = listener.getLocalPort();

            RemoteFailure https = assertThrows(RemoteFailure.class, () -> git.head(new RemoteEndpoint(
                    new URIish("https://git.example.test:" + port + "/flows.git"), RemoteProtocol.HTTPS,
                    new HttpsCredentials("u", "p"), null, null, Duration.ofSeconds(5)), "main"));
            assertEquals(RemoteFailure.Reason.REFUSED, https.reason(), https.getMessage());

            RemoteFailure ssh = assertThrows(RemoteFailure.class, () -> git.head(new RemoteEndpoint(
                    new URIish("ssh://git@git.example.test:" + port + "/flows.git"), RemoteProtocol.SSH, null,
                    new SshCredentials("no key", null, "host ssh-ed25519 AAAA"), null, Duration.ofSeconds(5)), "main"));
            assertEquals(RemoteFailure.Reason.REFUSED, ssh.reason(), ssh.getMessage());
            assertEquals(0, accepted.get(), "no connection was made");
        }
    }

    @Test
    void aLiteralAddressIsRefusedWhenConfigured() {
        MetaInvalidException e = assertThrows(MetaInvalidException.class, () -> RemoteUrl.parse(
                "https://169.254.169.254/x.git", RemoteProtocol.HTTPS, AddressPolicy.parse("0.0.0.0/0")));
        assertTrue(e.getMessage().startsWith("'url': "), e.getMessage());
    }

    @Test
    void plainHttpAndCredentialsInTheUrlAreRefused() {
        assertEquals("'url' must be an https:// URL, an ssh:// URL or USER@HOST:PATH; http:// is not offered", assertThrows(MetaInvalidException.class,
                () -> RemoteUrl.parse("http://example.com/x.git", RemoteProtocol.HTTPS, AddressPolicy.PUBLIC_ONLY)).getMessage());
        assertEquals("'url' must not carry credentials: give them as secret references",
                assertThrows(MetaInvalidException.class, () -> RemoteUrl.parse("https://u:p@example.com/x.git",
                        RemoteProtocol.HTTPS, AddressPolicy.PUBLIC_ONLY)).getMessage());
    }
}
