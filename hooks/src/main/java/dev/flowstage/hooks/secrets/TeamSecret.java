package dev.flowstage.hooks.secrets;

import java.time.Instant;

/** One team secret as stored: its path, the value sealed by the SecretBox, when it was last set. */
public record TeamSecret(String path, String sealedValue, Instant updatedAt) {}
