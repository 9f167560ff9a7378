package dev.flowstage.storage.meta;

import java.time.Instant;
import java.util.List;

/** A user account; {@code passwordHash} is a PHC-format Argon2id string, never the password. */
public record User(String name, String passwordHash, boolean admin, Instant createdAt,
                   List<SshKey> keys, List<AccessToken> tokens) {
    public User {
        keys = List.copyOf(keys);
        tokens = List.copyOf(tokens);
    }
}
