package dev.flowstage.storage.secret;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/** Generates random tokens, secrets and passwords, and hashes tokens for storage (SHA-256 hex). */
public final class Tokens {
    public static final String PERSONAL_PREFIX = "fsp_";
    public static final String DEVICE_PREFIX = "fsd_";

    private static final char[] BASE62 =
            "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Tokens() {}

    /** A personal access token: "fsp_" + 40 base62 characters (~238 bits). */
    public static String newPersonalToken() {
        return PERSONAL_PREFIX + base62(40);
    }

    /** A device token: "fsd_" + 40 base62 characters. */
    public static String newDeviceToken() {
        return DEVICE_PREFIX + base62(40);
    }

    /** A pipeline webhook secret, usable as a URL path segment. */
    public static String newWebhookSecret() {
        return base62(40);
    }

    /** A Node-RED credentialSecret generated for a device created without one: 48 base62 characters. */
    public static String newCredentialSecret() {
        return base62(48);
    }

    /** A generated password (e.g. the first admin's), 24 base62 characters. */
    public static String randomPassword() {
        return base62(24);
    }

    /** The SHA-256 hex of a token, the only form in which tokens are stored. */
    public static String hash(String token) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    static String base62(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) {
            // nextInt(bound) rejects biased samples, so every character is uniform
            out[i] = BASE62[RANDOM.nextInt(BASE62.length)];
        }
        return new String(out);
    }
}
