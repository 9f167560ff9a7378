package dev.flowstage.storage.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
    private final PasswordHasher hasher = new PasswordHasher();

    @Test
    void hashIsPhcArgon2idAndVerifies() {
        String h = hasher.hash("correct horse");
        assertTrue(h.matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}"), h);
        assertTrue(hasher.verify("correct horse", h));
        assertFalse(hasher.verify("correct horsE", h));
        assertFalse(hasher.verify("", h));
    }

    @Test
    void saltIsRandom() {
        assertNotEquals(hasher.hash("pw"), hasher.hash("pw"));
    }

    @Test
    void verifiesHashesMadeWithOtherParameters() {
        PasswordHasher cheap = new PasswordHasher(64, 1, 1);
        String h = cheap.hash("pw");
        assertTrue(hasher.verify("pw", h));
        assertTrue(hasher.needsRehash(h));
        assertFalse(hasher.needsRehash(hasher.hash("pw")));
    }

    @Test
    void phcFieldsEncodeExactlyTheParametersSaltAndHashUsed() {
        // recompute from the PHC fields alone: the string must carry everything verify() needs
        PasswordHasher small = new PasswordHasher(64, 3, 1);
        String h = small.hash("password");
        String[] parts = h.split("\\$");
        byte[] salt = java.util.Base64.getDecoder().decode(parts[4]);
        Argon2BytesGenerator g = new Argon2BytesGenerator();
        g.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id).withVersion(0x13)
                .withMemoryAsKB(64).withIterations(3).withParallelism(1).withSalt(salt).build());
        byte[] out = new byte[32];
        g.generateBytes("password".getBytes(StandardCharsets.UTF_8), out);
        assertEquals(HexFormat.of().formatHex(out),
                HexFormat.of().formatHex(java.util.Base64.getDecoder().decode(parts[5])));
    }

    @Test
    void malformedOrHostileStoredHashesDoNotVerify() {
        assertFalse(hasher.verify("pw", null));
        assertFalse(hasher.verify(null, "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"));
        assertFalse(hasher.verify("pw", "plain"));
        assertFalse(hasher.verify("pw", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"));
        // absurd memory cost is refused instead of allocating it
        assertFalse(hasher.verify("pw", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"));
        assertFalse(hasher.verify("pw", "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"));
    }

    @Test
    void unreasonableParametersAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(4, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new PasswordHasher(64, 0, 1));
    }
}
