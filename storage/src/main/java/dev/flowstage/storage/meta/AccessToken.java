package dev.flowstage.storage.meta;

import java.time.Instant;

/** A personal access token as stored: only the SHA-256 hex {@code hash} of the secret is kept. */
public record AccessToken(String name, String hash, TokenScope scope, Instant createdAt, Instant expiresAt) {
    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }
}
