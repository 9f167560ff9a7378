package dev.flowstage.hooks.upstream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Push webhooks from GitHub, Gitea and GitLab are accepted with the right secret and only with it. */
class UpstreamHookTest {
    static final byte[] BODY = "{\"ref\":\"refs/heads/main\",\"after\":\"abc\"}".getBytes(StandardCharsets.UTF_8);
    static final String SECRET = "whsec-0123456789";

    @Test
    void gitHubSignature() {
        String sig = "sha256=" + UpstreamHook.hmac(SECRET, BODY);
        assertTrue(UpstreamHook.verify(SECRET, BODY, new UpstreamHook.Proof(sig, null, null)));
        assertTrue(UpstreamHook.verify(SECRET, BODY, new UpstreamHook.Proof(sig.toUpperCase().replace("SHA256", "sha256"), null, null)));
        assertFalse(UpstreamHook.verify("other-secret-000", BODY, new UpstreamHook.Proof(sig, null, null)));
        assertFalse(UpstreamHook.verify(SECRET, "{}".getBytes(StandardCharsets.UTF_8), new UpstreamHook.Proof(sig, null, null)));
        assertFalse(UpstreamHook.verify(SECRET, BODY, new UpstreamHook.Proof(UpstreamHook.hmac(SECRET, BODY), null, null)),
                "without the sha256= prefix");
    }

    @Test
    void giteaSignatureAndGitLabToken() {
        assertTrue(UpstreamHook.verify(SECRET, BODY, new UpstreamHook.Proof(null, UpstreamHook.hmac(SECRET, BODY), null)));
        assertFalse(UpstreamHook.verify(SECRET, BODY, new UpstreamHook.Proof(null, "00", null)));
        assertTrue(UpstreamHook.verify(SECRET, BODY, new UpstreamHook.Proof(null, null, SECRET)));
        assertFalse(UpstreamHook.verify(SECRET, BODY, new UpstreamHook.Proof(null, null, SECRET.toUpperCase())));
        assertFalse(UpstreamHook.verify(SECRET, BODY, new UpstreamHook.Proof(null, null, null)), "no proof at all");
    }

    @Test
    void onlyAPushToTheFollowedBranchCounts() {
        assertTrue(UpstreamHook.isPushTo(BODY, "main"));
        assertFalse(UpstreamHook.isPushTo(BODY, "release"));
        assertFalse(UpstreamHook.isPushTo("{\"zen\":\"ping\"}".getBytes(StandardCharsets.UTF_8), "main"));
        assertFalse(UpstreamHook.isPushTo("not json".getBytes(StandardCharsets.UTF_8), "main"));
    }

    @Test
    void gitHubsDefaultFormEncodingCarriesThePushInItsPayloadField() {
        // GitHub's default content type, application/x-www-form-urlencoded: payload=URL-encoded JSON
        String json = new String(BODY, StandardCharsets.UTF_8);
        byte[] form = ("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        assertTrue(UpstreamHook.isPushTo(form, "main"));
        assertFalse(UpstreamHook.isPushTo(form, "release"));
        byte[] ping = ("payload=" + URLEncoder.encode("{\"zen\":\"ping\"}", StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.UTF_8);
        assertFalse(UpstreamHook.isPushTo(ping, "main"));
        assertFalse(UpstreamHook.isPushTo("payload=%zz".getBytes(StandardCharsets.UTF_8), "main"), "a broken escape");
        // the signature is over the body as sent, form encoding and all
        String sig = "sha256=" + UpstreamHook.hmac(SECRET, form);
        assertTrue(UpstreamHook.verify(SECRET, form, new UpstreamHook.Proof(sig, null, null)));
    }
}
