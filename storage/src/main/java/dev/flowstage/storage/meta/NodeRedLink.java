package dev.flowstage.storage.meta;

/** Where a live Node-RED runs; {@code token} is sealed by the SecretBox (never plaintext at rest). */
public record NodeRedLink(String url, String sealedToken) {}
