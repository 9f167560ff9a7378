package dev.flowstage.storage.meta;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Server-wide metadata kept in the site repository ({@code DATA/site.git}, ref {@code refs/meta/site}):
 * users with their keys and token hashes, device credentials, and the registry of team names.
 * Reads come from an immutable parse cached by commit id; every write is one commit.
 */
public interface SiteStore {
    Optional<User> user(String name);

    /** All users, sorted by name. */
    List<User> users();

    /** @throws MetaConflictException when the name is taken */
    User createUser(String name, String passwordHash, boolean admin);

    /** Replaces the user by {@code edit}'s result (same name); @throws MetaNotFoundException */
    User updateUser(String name, UnaryOperator<User> edit);

    /** Removes the user with their keys and tokens; @throws MetaNotFoundException */
    void deleteUser(String name);

    /** @throws MetaConflictException when the user already has a token of that name */
    AccessToken addToken(String user, AccessToken token);

    /** @return false when there was no such token */
    boolean revokeToken(String user, String tokenName);

    /** A user's token or a device's token by the SHA-256 hex of its secret. */
    Optional<TokenOwner> tokenByHash(String hash);

    /**
     * {@link #tokenByHash} together with the admin flag of the token's user (null for a device's token
     * or a user who no longer exists), both from the same stored state: what authenticating a request
     * with a token needs, in one read.
     */
    default Optional<TokenLookup> tokenLookup(String hash) {
        return tokenByHash(hash).map(owner -> new TokenLookup(owner, owner.owner().isDevice() ? null
                : user(owner.owner().user()).map(User::admin).orElse(null)));
    }

    /** @throws MetaConflictException when the fingerprint is already registered to anyone */
    SshKey addKey(String user, SshKey key);

    /** Removes by title or fingerprint; @return false when there was no such key */
    boolean removeKey(String user, String titleOrFingerprint);

    Optional<KeyOwner> keyByFingerprint(String fingerprint);

    /** Sets or replaces a device's credentials; keys' fingerprints must be unused by others. */
    void putDevice(DeviceCredentials device);

    Optional<DeviceCredentials> device(String team, String device);

    void removeDevice(String team, String device);

    /** Team names, sorted. */
    List<String> teams();

    /** @throws MetaConflictException when the team name is taken */
    void registerTeam(String team);

    void unregisterTeam(String team);
}
