package dev.flowstage.storage.meta;

import java.time.Instant;

/**
 * An instance, device or group of a team. {@code sealedCredentialSecret} is sealed by the SecretBox.
 * {@code instance} and {@code group} are set on devices only (what the device is connected to).
 */
public record Target(TargetKind kind, String name, String application, boolean protectedMain,
                     NodeRedLink nodeRed, String sealedCredentialSecret,
                     String instance, String group, Instant createdAt) {}
