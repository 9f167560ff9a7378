package dev.flowstage.server.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostKeyTest {
    @TempDir
    Path dir;

    @Test
    void createsAnEd25519KeyOnceAndReusesIt() throws Exception {
        HostKey first = HostKey.loadOrCreate(dir);
        assertTrue(first.generated());
        assertTrue(first.publicKeyLine().startsWith("ssh-ed25519 "));
        Path file = dir.resolve(HostKey.KEY_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

        HostKey second = HostKey.loadOrCreate(dir);
        assertFalse(second.generated());
        assertEquals(first.fingerprint(), second.fingerprint());
        assertEquals(first.publicKeyLine(), second.publicKeyLine());
    }

    @Test
    void fingerprintIsWhatSshKeygenPrints() throws Exception {
        HostKey key = HostKey.loadOrCreate(dir);
        assertTrue(key.fingerprint().matches("SHA256:[A-Za-z0-9+/]{43}"), key.fingerprint());
        // ssh-keygen reads the private key file itself: proves the file is real OpenSSH format.
        Process p = new ProcessBuilder("ssh-keygen", "-l", "-E", "sha256", "-f", dir.resolve(HostKey.KEY_FILE).toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals(key.fingerprint(), out.split(" ")[1], out);
    }

    @Test
    void aDamagedKeyFileIsAClearError() throws Exception {
        Files.writeString(dir.resolve(HostKey.KEY_FILE), "not a key\n");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> HostKey.loadOrCreate(dir));
        assertTrue(e.getMessage().contains(HostKey.KEY_FILE), e.getMessage());
        assertTrue(e.getMessage().contains("delete it to generate a new one"), e.getMessage());
    }
}
