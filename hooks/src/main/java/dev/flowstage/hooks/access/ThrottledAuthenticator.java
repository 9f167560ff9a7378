package dev.flowstage.hooks.access;

import dev.flowstage.storage.secret.Tokens;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link Authenticator} whose {@link #login} counts failed sign-ins in a {@link LoginThrottle}. A
 * password is checked only while neither its user nor the caller's address is throttled, so a throttled
 * guesser costs no Argon2 run. Tokens are checked first and, when right, touch the throttle not at all
 * (a polling device pays nothing, even from a throttled address); a wrong token counts against the address.
 */
public final class ThrottledAuthenticator implements Authenticator {
    private final Authenticator delegate;
    private final LoginThrottle throttle;

    public ThrottledAuthenticator(Authenticator delegate, LoginThrottle throttle) {
        this.delegate = Objects.requireNonNull(delegate);
        this.throttle = Objects.requireNonNull(throttle);
    }

    @Override
    public LoginResult login(Credentials credentials, String remoteAddress) {
        if (credentials instanceof Credentials.Bearer bearer) {
            return token(delegate.bearer(bearer.token()), remoteAddress);
        }
        if (!(credentials instanceof Credentials.Basic basic)) {
            return LoginResult.FAILURE; // nothing was tried: nothing to count
        }
        if (isToken(basic.secret())) {
            return token(delegate.basic(basic.user(), basic.secret()), remoteAddress);
        }
        Optional<Duration> wait = throttle.waitFor(basic.user(), remoteAddress);
        if (wait.isPresent()) {
            return new LoginResult.Throttled(wait.get());
        }
        Optional<Principal> principal = delegate.basic(basic.user(), basic.secret());
        if (principal.isPresent()) {
            throttle.succeeded(basic.user());
            return new LoginResult.Success(principal.get());
        }
        throttle.failed(basic.user(), remoteAddress);
        return LoginResult.FAILURE;
    }

    private LoginResult token(Optional<Principal> principal, String remoteAddress) {
        if (principal.isPresent()) {
            return new LoginResult.Success(principal.get());
        }
        throttle.failed(null, remoteAddress);
        return throttle.waitFor(null, remoteAddress).<LoginResult>map(LoginResult.Throttled::new)
                .orElse(LoginResult.FAILURE);
    }

    private static boolean isToken(String secret) {
        return secret.startsWith(Tokens.PERSONAL_PREFIX) || secret.startsWith(Tokens.DEVICE_PREFIX);
    }

    @Override
    public Optional<Principal> basic(String username, String secret) {
        return delegate.basic(username, secret);
    }

    @Override
    public Optional<Principal> bearer(String token) {
        return delegate.bearer(token);
    }

    @Override
    public Optional<Principal> publicKey(PublicKey key) {
        return delegate.publicKey(key);
    }

    @Override
    public void invalidateAll() {
        delegate.invalidateAll();
    }
}
