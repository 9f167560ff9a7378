package dev.flowstage.server.ssh;

import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.Principal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/** Knows a fixed set of OpenSSH public keys; passwords and tokens are not part of the SSH transport. */
final class FakeAuthenticator implements Authenticator {
    private final Map<PublicKey, Principal> keys = new ConcurrentHashMap<>();

    void add(Path publicKeyFile, Principal principal) throws Exception {
        String line = Files.readString(publicKeyFile, StandardCharsets.US_ASCII).strip();
        PublicKey key = PublicKeyEntry.parsePublicKeyEntry(line).resolvePublicKey(null, Map.of(),
                PublicKeyEntryResolver.FAILING);
        keys.put(key, principal);
    }

    @Override
    public Optional<Principal> publicKey(PublicKey key) {
        return keys.entrySet().stream().filter(e -> KeyUtils.compareKeys(e.getKey(), key))
                .map(Map.Entry::getValue).findFirst();
    }

    @Override
    public Optional<Principal> basic(String username, String secret) {
        return Optional.empty();
    }

    @Override
    public Optional<Principal> bearer(String token) {
        return Optional.empty();
    }

    @Override
    public void invalidateAll() {
        // nothing cached
    }
}
