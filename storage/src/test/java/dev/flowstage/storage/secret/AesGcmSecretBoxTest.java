package dev.flowstage.storage.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AesGcmSecretBoxTest {
    @TempDir
    Path dir;

    @Test
    void sealsAndOpens() throws IOException {
        SecretBox box = AesGcmSecretBox.loadOrCreate(dir.resolve("secrets/master.key"));
        String sealed = box.seal("s3cret-value ✓");
        assertTrue(sealed.startsWith("v1:"));
        assertFalse(sealed.contains("s3cret"));
        assertEquals("s3cret-value ✓", box.open(sealed));
        assertNotEquals(sealed, box.seal("s3cret-value ✓"), "fresh IV per seal");
    }

    @Test
    void keyFileIsOwnerOnlyAndReusedOnRestart() throws IOException {
        Path keyFile = dir.resolve("secrets/master.key");
        String sealed = AesGcmSecretBox.loadOrCreate(keyFile).seal("x");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        assertEquals(32, Base64.getDecoder().decode(Files.readString(keyFile).trim()).length);
        assertEquals("x", AesGcmSecretBox.loadOrCreate(keyFile).open(sealed));
    }

    @Test
    void aKeyFileOthersCouldReadIsMadeOwnerOnlyAndStillOpensItsSecrets() throws IOException {
        Path keyFile = dir.resolve("secrets/master.key");
        String sealed = AesGcmSecretBox.loadOrCreate(keyFile).seal("x");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));
        assertEquals("x", AesGcmSecretBox.loadOrCreate(keyFile).open(sealed));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
    }

    @Test
    void tamperedValueIsRefusedWithoutLeakingIt() throws IOException {
        SecretBox box = AesGcmSecretBox.loadOrCreate(dir.resolve("k"));
        String sealed = box.seal("top-secret");
        byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
        raw[raw.length - 20] ^= 1;
        String tampered = "v1:" + Base64.getEncoder().encodeToString(raw);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> box.open(tampered));
        assertEquals("sealed value was altered or sealed with another key", e.getMessage());
        assertFalse(e.getMessage().contains("top-secret"));
        assertThrows(IllegalArgumentException.class, () -> box.open("top-secret"));
        assertThrows(IllegalArgumentException.class, () -> box.open("v1:!!"));
        assertThrows(IllegalArgumentException.class, () -> box.open("v1:AAAA"));
    }

    @Test
    void anotherKeyCannotOpen() throws IOException {
        String sealed = AesGcmSecretBox.loadOrCreate(dir.resolve("a")).seal("x");
        SecretBox other = AesGcmSecretBox.loadOrCreate(dir.resolve("b"));
        assertThrows(IllegalArgumentException.class, () -> other.open(sealed));
    }

    @Test
    void corruptKeyFileIsReported() throws IOException {
        Path keyFile = dir.resolve("bad.key");
        Files.writeString(keyFile, "c2hvcnQ=");
        IOException e = assertThrows(IOException.class, () -> AesGcmSecretBox.loadOrCreate(keyFile));
        assertTrue(e.getMessage().contains("256-bit"));
    }
}
