package dev.flowstage.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BannerTest {
    private static final String TLS = "AB:CD:EF";
    private static final String SSH = "SHA256:abc123";
    private static final Path FILE = Path.of("/srv/data/initial-admin-password");

    @Test
    void allListenersAndTheFirstStartPassword() {
        Banner banner = new Banner("localhost", 8080, 8443, 2222, TLS, SSH, Optional.of("Xy7-generated"),
                Optional.of(FILE));
        assertEquals(List.of(
                "Flowstage is running",
                "  HTTP   http://localhost:8080/",
                "  HTTPS  https://localhost:8443/",
                "         TLS certificate SHA-256 fingerprint AB:CD:EF",
                "  SSH    ssh://git@localhost:2222/",
                "         SSH host key fingerprint SHA256:abc123",
                "  Git    https://localhost:8443/git/TEAM/TARGET.git  or  ssh://git@localhost:2222/TEAM/TARGET.git",
                "",
                "  Created user 'admin' with password: Xy7-generated",
                "  The initial password of user 'admin' is in /srv/data/initial-admin-password until it is changed"),
                banner.lines());
        assertFalse(banner.toString().contains("Xy7-generated"));
    }

    @Test
    void laterStartsNameThePasswordFileWhileItExists() {
        Banner banner = new Banner("localhost", 8080, 0, 0, TLS, SSH, Optional.empty(), Optional.of(FILE));
        assertEquals(List.of("",
                "  The initial password of user 'admin' is in /srv/data/initial-admin-password until it is changed"),
                banner.lines().subList(5, 7));
    }

    @Test
    void laterStartsAndClosedListeners() {
        Banner banner = new Banner("git.example.test", 8080, 0, 0, TLS, SSH, Optional.empty(), Optional.empty());
        assertEquals(List.of(
                "Flowstage is running",
                "  HTTP   http://git.example.test:8080/",
                "  HTTPS  off",
                "  SSH    off",
                "  Git    http://git.example.test:8080/git/TEAM/TARGET.git"),
                banner.lines());
        assertEquals(String.join("\n", banner.lines()) + "\n", banner.text());
    }

    @Test
    void ipv6HostsAreBracketed() {
        Banner banner = new Banner("::1", 0, 0, 2222, TLS, SSH, Optional.empty(), Optional.empty());
        assertEquals("  SSH    ssh://git@[::1]:2222/", banner.lines().get(3));
        assertEquals("  Git    ssh://git@[::1]:2222/TEAM/TARGET.git", banner.lines().get(5));
    }
}
