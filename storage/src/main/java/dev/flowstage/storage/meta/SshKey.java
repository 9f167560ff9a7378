package dev.flowstage.storage.meta;

import java.time.Instant;

/** An SSH public key: {@code fingerprint} is OpenSSH's {@code SHA256:base64} form, {@code publicKey} the key line. */
public record SshKey(String title, String fingerprint, String publicKey, Instant createdAt) {}
