package dev.flowstage.hooks.access;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What an HTTP {@code Authorization} header carries, parsed in one place for Git over HTTP, the REST API
 * and the event WebSocket: Basic user and secret, a Bearer token, nothing, or something malformed.
 */
public sealed interface Credentials {
    /** {@code Authorization: Basic base64(user:secret)}; the secret is a password or a token. */
    record Basic(String user, String secret) implements Credentials {
        @Override
        public String toString() {
            return "Basic[user=" + user + "]"; // never the secret
        }
    }

    /** {@code Authorization: Bearer TOKEN}. */
    record Bearer(String token) implements Credentials {
        @Override
        public String toString() {
            return "Bearer[...]";
        }
    }

    /** No Authorization header (or a blank one). */
    record None() implements Credentials {}

    /** A header that is not usable credentials; {@code reason} says why and may be shown to the caller. */
    record Malformed(String reason) implements Credentials {}

    Credentials NONE = new None();

    /**
     * Parses an Authorization header value: the scheme is case-insensitive and may be followed by any
     * run of spaces or tabs; Basic credentials must be base64 of UTF-8 {@code user:secret} with a
     * non-empty user (the secret is everything after the first colon, so it may contain colons).
     */
    static Credentials parse(String header) {
        if (header == null || header.isBlank()) {
            return NONE;
        }
        String value = header.strip();
        int end = 0;
        while (end < value.length() && value.charAt(end) != ' ' && value.charAt(end) != '\t') {
            end++;
        }
        String scheme = value.substring(0, end);
        String rest = value.substring(end).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            return bearer(rest);
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            return basic(rest);
        }
        return new Malformed("use Basic or Bearer credentials");
    }

    private static Credentials bearer(String token) {
        if (token.isEmpty()) {
            return new Malformed("no token after Bearer");
        }
        if (token.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            return new Malformed("the Bearer token is not one word");
        }
        return new Bearer(token);
    }

    private static Credentials basic(String encoded) {
        if (encoded.isEmpty()) {
            return new Malformed("no credentials after Basic");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            return new Malformed("the Basic credentials are not valid base64");
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            return new Malformed("the Basic credentials are not UTF-8");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return new Malformed("the Basic credentials have no ':' between user and password");
        }
        if (colon == 0) {
            return new Malformed("the Basic credentials have no user name");
        }
        return new Basic(decoded.substring(0, colon), decoded.substring(colon + 1));
    }
}
