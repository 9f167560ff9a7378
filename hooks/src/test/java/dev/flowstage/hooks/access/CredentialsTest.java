package dev.flowstage.hooks.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialsTest {
    @Test
    void basicUserAndSecret() {
        assertEquals(new Credentials.Basic("alice", "s3cret"), Credentials.parse("Basic " + b64("alice:s3cret")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic ", "BASIC ", "bAsIc ", "Basic   ", "Basic\t", "  Basic \t "})
    void schemeIsCaseInsensitiveAndSpacesAroundDoNotMatter(String prefix) {
        assertEquals(new Credentials.Basic("alice", "pw"), Credentials.parse(prefix + b64("alice:pw") + "  "));
    }

    @Test
    void passwordMayContainColons() {
        assertEquals(new Credentials.Basic("alice", "a:b::c:"), Credentials.parse("Basic " + b64("alice:a:b::c:")));
    }

    @Test
    void emptyPasswordIsPassedOnForTheAuthenticatorToRefuse() {
        assertEquals(new Credentials.Basic("alice", ""), Credentials.parse("Basic " + b64("alice:")));
    }

    @Test
    void utf8NamesAndPasswords() {
        assertEquals(new Credentials.Basic("zoë", "pässwörd ✓"), Credentials.parse("Basic " + b64("zoë:pässwörd ✓")));
    }

    @Test
    void unpaddedBase64IsAccepted() {
        String padded = b64("ab:c"); // "YWI6Yw=="
        assertEquals(new Credentials.Basic("ab", "c"), Credentials.parse("Basic " + padded.replace("=", "")));
    }

    @Test
    void bearerToken() {
        assertEquals(new Credentials.Bearer("fsp_abc"), Credentials.parse("Bearer fsp_abc"));
        assertEquals(new Credentials.Bearer("fsp_abc"), Credentials.parse("  bearer \t fsp_abc "));
    }

    @Test
    void nothing() {
        assertEquals(Credentials.NONE, Credentials.parse(null));
        assertEquals(Credentials.NONE, Credentials.parse(""));
        assertEquals(Credentials.NONE, Credentials.parse("   "));
    }

    @Test
    void malformedHeadersSayWhy() {
        assertMalformed("no credentials after Basic", "Basic");
        assertMalformed("no credentials after Basic", "Basic    ");
        assertMalformed("no token after Bearer", "Bearer");
        assertMalformed("the Bearer token is not one word", "Bearer fsp_a fsp_b");
        assertMalformed("the Basic credentials are not valid base64", "Basic !!!");
        assertMalformed("the Basic credentials are not valid base64", "Basic " + b64("a:b") + " extra");
        assertMalformed("the Basic credentials have no ':' between user and password", "Basic " + b64("alice"));
        assertMalformed("the Basic credentials have no user name", "Basic " + b64(":secret"));
        assertMalformed("use Basic or Bearer credentials", "Digest username=\"alice\"");
        assertMalformed("use Basic or Bearer credentials", "Basicxyz");
        // ISO-8859-1 "zoë:pw" is not UTF-8
        String latin1 = Base64.getEncoder().encodeToString("zoë:pw".getBytes(StandardCharsets.ISO_8859_1));
        assertMalformed("the Basic credentials are not UTF-8", "Basic " + latin1);
    }

    @Test
    void secretsStayOutOfToString() {
        assertFalse(Credentials.parse("Basic " + b64("alice:s3cret")).toString().contains("s3cret"));
        assertFalse(Credentials.parse("Bearer fsp_secret").toString().contains("fsp_secret"));
    }

    private static void assertMalformed(String reason, String header) {
        assertEquals(new Credentials.Malformed(reason), Credentials.parse(header), header);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
