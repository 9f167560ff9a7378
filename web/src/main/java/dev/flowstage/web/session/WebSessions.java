package dev.flowstage.web.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The signed-in browser sessions, in memory (a restart signs everyone out). A session id is 32 random
 * bytes known only to the browser's cookie; the map is keyed by its SHA-256 so the ids themselves are
 * never stored. A session ends on sign-out, after {@code idleTimeout} without a request, after
 * {@code maxLifetime} in any case, and when its user's password changes or the user is deleted
 * (checked by the caller against {@link WebSession#passwordFingerprint()}).
 */
public final class WebSessions {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(12);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofDays(7);
    /** More sessions than this per user: the oldest ends (a script signing in in a loop cannot fill memory). */
    static final int MAX_PER_USER = 50;

    /** What {@link #create} hands back: the cookie value (shown once) and the session. */
    public record Created(String id, WebSession session) {}

    private final Map<String, WebSession> byHash = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration maxLifetime;

    public WebSessions(Clock clock, Duration idleTimeout, Duration maxLifetime) {
        this.clock = Objects.requireNonNull(clock);
        if (idleTimeout.isNegative() || idleTimeout.isZero() || maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("session timeouts must be positive");
        }
        this.idleTimeout = idleTimeout;
        this.maxLifetime = maxLifetime;
    }

    public WebSessions(Clock clock) {
        this(clock, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_LIFETIME);
    }

    public Duration idleTimeout() {
        return idleTimeout;
    }

    public Duration maxLifetime() {
        return maxLifetime;
    }

    /** Starts a session for {@code user} whose stored password hash is {@code passwordHash}. */
    public Created create(String user, String passwordHash) {
        Instant now = clock.instant();
        String id = token();
        WebSession s = new WebSession(user, fingerprint(passwordHash), token(), now, now);
        byHash.put(hash(id), s);
        trim(user);
        return new Created(id, s);
    }

    /** The live session for a cookie value, its last-seen time moved to now; empty if unknown or expired. */
    public Optional<WebSession> touch(String id) {
        if (id == null || id.isEmpty() || id.length() > 100) {
            return Optional.empty();
        }
        String key = hash(id);
        WebSession s = byHash.get(key);
        if (s == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(s, now)) {
            byHash.remove(key, s);
            return Optional.empty();
        }
        WebSession seen = s.seenAt(now);
        byHash.replace(key, s, seen);
        return Optional.of(seen);
    }

    /** Whether the session of this cookie value is live, without counting this as activity. */
    public boolean alive(String id) {
        WebSession s = id == null ? null : byHash.get(hash(id));
        return s != null && !expired(s, clock.instant());
    }

    /** Ends the session of this cookie value, if any. */
    public void end(String id) {
        if (id != null) {
            byHash.remove(hash(id));
        }
    }

    /** Ends every session of {@code user}. */
    public void endAll(String user) {
        byHash.values().removeIf(s -> s.user().equals(user));
    }

    /** Drops expired sessions; called now and then so abandoned ones do not pile up. */
    public void sweep() {
        Instant now = clock.instant();
        byHash.values().removeIf(s -> expired(s, now));
    }

    int size() {
        return byHash.size();
    }

    /** When this session ends if nothing else happens: the earlier of idle and absolute expiry. */
    public Instant expiresAt(WebSession s) {
        Instant idle = s.lastSeen().plus(idleTimeout);
        Instant max = s.created().plus(maxLifetime);
        return idle.isBefore(max) ? idle : max;
    }

    private boolean expired(WebSession s, Instant now) {
        return !now.isBefore(expiresAt(s));
    }

    private void trim(String user) {
        var mine = byHash.entrySet().stream().filter(e -> e.getValue().user().equals(user))
                .sorted((a, b) -> a.getValue().created().compareTo(b.getValue().created())).toList();
        for (int i = 0; i < mine.size() - MAX_PER_USER; i++) {
            byHash.remove(mine.get(i).getKey());
        }
        if (byHash.size() > 10_000) {
            sweep();
        }
    }

    private String token() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** A one-way stand-in for a stored password hash: tells "changed" from "same" and nothing else. */
    static String fingerprint(String passwordHash) {
        return passwordHash == null ? "" : hash("pw:" + passwordHash);
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
