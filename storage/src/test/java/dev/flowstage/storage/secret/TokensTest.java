package dev.flowstage.storage.secret;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokensTest {
    @Test
    void personalAndDeviceTokensHavePrefixAnd40Base62Chars() {
        assertTrue(Tokens.newPersonalToken().matches("fsp_[0-9A-Za-z]{40}"));
        assertTrue(Tokens.newDeviceToken().matches("fsd_[0-9A-Za-z]{40}"));
        assertTrue(Tokens.newWebhookSecret().matches("[0-9A-Za-z]{40}"));
        assertTrue(Tokens.randomPassword().matches("[0-9A-Za-z]{24}"));
    }

    @Test
    void tokensAreUnique() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            assertTrue(seen.add(Tokens.newPersonalToken()));
        }
    }

    @Test
    void hashIsSha256Hex() {
        // sha256("abc") from FIPS 180-2
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Tokens.hash("abc"));
        assertNotEquals(Tokens.hash("fsp_a"), Tokens.hash("fsp_b"));
    }
}
