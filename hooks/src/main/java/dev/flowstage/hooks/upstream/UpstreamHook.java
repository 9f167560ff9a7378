package dev.flowstage.hooks.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks a push webhook from the followed Git server: GitHub ({@code X-Hub-Signature-256: sha256=HMAC}),
 * Gitea ({@code X-Gitea-Signature: HMAC}, hex HMAC-SHA256 of the body) or GitLab ({@code X-Gitlab-Token:
 * SECRET}), all compared in constant time; and tells whether the push was to the followed branch.
 */
public final class UpstreamHook {
    private static final ObjectMapper JSON = new ObjectMapper();

    private UpstreamHook() {}

    /** The headers that may carry the proof, as received (null when absent). */
    public record Proof(String hubSignature256, String giteaSignature, String gitlabToken) {}

    /** Whether {@code proof} shows the sender knows {@code secret}. */
    public static boolean verify(String secret, byte[] body, Proof proof) {
        if (secret == null) {
            return false;
        }
        if (proof.hubSignature256() != null) {
            String h = proof.hubSignature256().strip();
            return h.startsWith("sha256=") && sameHex(hmac(secret, body), h.substring("sha256=".length()));
        }
        if (proof.giteaSignature() != null) {
            return sameHex(hmac(secret, body), proof.giteaSignature().strip());
        }
        if (proof.gitlabToken() != null) {
            return same(secret, proof.gitlabToken());
        }
        return false;
    }

    /**
     * Whether the webhook's {@code ref} is the followed branch; a body without one (a ping) is not. The
     * push is JSON, sent as the body itself or, as GitHub's default content type
     * {@code application/x-www-form-urlencoded} (and Gitea's form option) sends it, as the form field
     * {@code payload}.
     */
    public static boolean isPushTo(byte[] body, String branch) {
        try {
            JsonNode n = JSON.readTree(json(body));
            return n != null && ("refs/heads/" + branch).equals(n.path("ref").asText(null));
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The JSON of a push: the form field {@code payload} of a form-encoded body, else the body as it is. */
    private static byte[] json(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.stripLeading().startsWith("{") || text.stripLeading().startsWith("[")) {
            return body;
        }
        for (String field : text.split("&")) {
            if (field.startsWith("payload=")) {
                return URLDecoder.decode(field.substring("payload=".length()), StandardCharsets.UTF_8)
                        .getBytes(StandardCharsets.UTF_8);
            }
        }
        return body;
    }

    static String hmac(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** Hex digests compare whatever case the sender wrote them in. */
    private static boolean sameHex(String expected, String given) {
        return same(expected, given.toLowerCase(java.util.Locale.ROOT));
    }
}
