package dev.flowstage.hooks.access;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.flowstage.storage.meta.AccessToken;
import dev.flowstage.storage.meta.KeyOwner;
import dev.flowstage.storage.meta.OpenSshKeys;
import dev.flowstage.storage.meta.SiteStore;
import dev.flowstage.storage.meta.TokenLookup;
import dev.flowstage.storage.meta.TokenOwner;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.meta.User;
import dev.flowstage.storage.secret.PasswordHasher;
import dev.flowstage.storage.secret.Tokens;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiPredicate;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates passwords, personal and device tokens and SSH keys against the {@link SiteStore}.
 * A successful result is cached for a short time under a digest of the credential, together with
 * the stored state it was derived from (password hash, token record, key owner, admin flag). A hit
 * is used only while that state is unchanged, so revoking a token, removing a key or changing a
 * password takes effect at once, while a repeated password login skips the Argon2 computation.
 * Failures are not cached. Secrets are never logged or kept.
 */
public final class CachingAuthenticator implements Authenticator {
    static final Duration TTL = Duration.ofSeconds(30);
    private static final long MAX_ENTRIES = 10_000;

    private final SiteStore site;
    private final BiPredicate<String, String> passwordMatches;
    // Checked for unknown users, so that they answer no faster than a wrong password (no enumeration by timing)
    private final String unknownUserHash;
    private final Clock clock;
    private final Cache<String, Grant> grants;
    // Per-process key so that cache keys for passwords are not plain, unsalted password hashes
    private final SecretKeySpec cacheKeySecret;

    public CachingAuthenticator(SiteStore site, PasswordHasher hasher, Clock clock) {
        this(site, hasher::verify, hasher.unmatchableHash(), clock);
    }

    /**
     * {@code passwordMatches(password, phcHash)} — the KDF check; tests count its calls.
     * {@code unknownUserHash} is what an unknown user's password is checked against.
     */
    CachingAuthenticator(SiteStore site, BiPredicate<String, String> passwordMatches, String unknownUserHash,
                         Clock clock) {
        this.site = Objects.requireNonNull(site);
        this.passwordMatches = Objects.requireNonNull(passwordMatches);
        this.unknownUserHash = Objects.requireNonNull(unknownUserHash);
        this.clock = Objects.requireNonNull(clock);
        this.grants = Caffeine.newBuilder()
                .maximumSize(MAX_ENTRIES)
                .expireAfterWrite(TTL)
                .ticker(() -> clock.millis() * 1_000_000L)
                .build();
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.cacheKeySecret = new SecretKeySpec(secret, "HmacSHA256");
    }

    @Override
    public Optional<Principal> basic(String username, String secret) {
        if (username == null || username.isEmpty() || secret == null || secret.isEmpty()) {
            return Optional.empty();
        }
        if (secret.startsWith(Tokens.PERSONAL_PREFIX)) {
            return token(secret).filter(p -> p instanceof UserPrincipal u && u.name().equals(username));
        }
        if (secret.startsWith(Tokens.DEVICE_PREFIX)) {
            // A device signs in with its own name; the token alone decides which team it belongs to
            return token(secret).filter(p -> p instanceof DevicePrincipal d && d.name().equals(username));
        }
        return password(username, secret);
    }

    @Override
    public Optional<Principal> bearer(String token) {
        if (token == null || !(token.startsWith(Tokens.PERSONAL_PREFIX) || token.startsWith(Tokens.DEVICE_PREFIX))) {
            return Optional.empty();
        }
        return token(token);
    }

    @Override
    public Optional<Principal> publicKey(PublicKey key) {
        String fingerprint;
        try {
            fingerprint = OpenSshKeys.fingerprint(key);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        String cacheKey = "k:" + fingerprint;
        Optional<KeyOwner> owner = site.keyByFingerprint(fingerprint);
        if (owner.isEmpty()) {
            grants.invalidate(cacheKey);
            return Optional.empty();
        }
        Basis basis = new Basis(owner.get(), adminFlag(owner.get()));
        return cached(cacheKey, basis).or(() -> {
            Optional<Principal> p = principalFor(owner.get(), TokenScope.ADMIN);
            p.ifPresent(principal -> grants.put(cacheKey, new Grant(principal, basis)));
            return p;
        });
    }

    @Override
    public void invalidateAll() {
        grants.invalidateAll();
    }

    private Optional<Principal> token(String secret) {
        String hash = Tokens.hash(secret);
        String cacheKey = "t:" + hash;
        Optional<TokenLookup> found = site.tokenLookup(hash);
        if (found.isEmpty()) {
            grants.invalidate(cacheKey);
            return Optional.empty();
        }
        TokenOwner owner = found.get().owner();
        AccessToken token = owner.token();
        if (token != null && token.expired(clock.instant())) {
            grants.invalidate(cacheKey);
            return Optional.empty();
        }
        Basis basis = new Basis(owner, found.get().userAdmin());
        return cached(cacheKey, basis).or(() -> {
            TokenScope scope = token == null ? TokenScope.ADMIN : token.scope();
            Optional<Principal> p = principalFor(owner.owner(), scope);
            p.ifPresent(principal -> grants.put(cacheKey, new Grant(principal, basis)));
            return p;
        });
    }

    private Optional<Principal> password(String username, String password) {
        Optional<User> user = site.user(username);
        String cacheKey = "p:" + mac(username + '\0' + password);
        if (user.isEmpty()) {
            grants.invalidate(cacheKey);
            passwordMatches.test(password, unknownUserHash);
            return Optional.empty();
        }
        Basis basis = new Basis(user.get().passwordHash(), user.get().admin());
        return cached(cacheKey, basis).or(() -> {
            if (!passwordMatches.test(password, user.get().passwordHash())) {
                return Optional.empty();
            }
            Principal p = new UserPrincipal(username, user.get().admin(), TokenScope.ADMIN);
            grants.put(cacheKey, new Grant(p, basis));
            return Optional.of(p);
        });
    }

    /** The cached principal when one exists for {@code cacheKey} and was derived from the same state. */
    private Optional<Principal> cached(String cacheKey, Basis current) {
        Grant grant = grants.getIfPresent(cacheKey);
        if (grant == null) {
            return Optional.empty();
        }
        if (!grant.basis().equals(current)) {
            grants.invalidate(cacheKey);
            return Optional.empty();
        }
        return Optional.of(grant.principal());
    }

    private Optional<Principal> principalFor(KeyOwner owner, TokenScope scope) {
        if (owner.isDevice()) {
            return Optional.of(new DevicePrincipal(owner.team(), owner.device()));
        }
        return site.user(owner.user()).map(u -> new UserPrincipal(u.name(), u.admin(), scope));
    }

    /** Null for devices and unknown users; part of the basis so that a change of admin rights is seen at once. */
    private Boolean adminFlag(KeyOwner owner) {
        return owner.isDevice() ? null : site.user(owner.user()).map(User::admin).orElse(null);
    }

    private String mac(String value) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(cacheKeySecret);
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The stored state a grant was computed from; equal state means the grant still holds. */
    private record Basis(Object state, Boolean admin) {}

    private record Grant(Principal principal, Basis basis) {}
}
