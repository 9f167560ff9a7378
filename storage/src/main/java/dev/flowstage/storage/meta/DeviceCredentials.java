package dev.flowstage.storage.meta;

import java.util.List;

/** A device's secrets as stored in the site repo: the SHA-256 hex of its token and its SSH keys. */
public record DeviceCredentials(String team, String device, String tokenHash, List<SshKey> keys) {
    public DeviceCredentials {
        keys = List.copyOf(keys);
    }
}
