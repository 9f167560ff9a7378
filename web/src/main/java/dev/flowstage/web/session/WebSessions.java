package dev.flowstage.web.session;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signed-in browser sessions, in memory and, when given a file, kept there too so a restart does
 * not sign anyone out (written on every sign-in and sign-out, and at most once a minute for activity;
 * owner-only permissions; a torn write is impossible: a temporary file is renamed). A session id is 32 random
 * bytes known only to the browser's cookie; the map is keyed by its SHA-256 so the ids themselves are
 * never stored. A session ends on sign-out, after {@code idleTimeout} without a request, after
 * {@code maxLifetime} in any case, and when its user's password changes or the user is deleted
 * (checked by the caller against {@link WebSession#passwordFingerprint()}).
 */
public final class WebSessions {
    private static final Logger LOG = LoggerFactory.getLogger(WebSessions.class);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofHours(12);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofDays(7);
    /** More sessions than this per user: the oldest ends (a script signing in in a loop cannot fill memory). */
    static final int MAX_PER_USER = 50;

    /** What {@link #create} hands back: the cookie value (shown once) and the session. */
    public record Created(String id, WebSession session) {}

    private static final Duration FLUSH_EVERY = Duration.ofMinutes(1);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, WebSession> byHash = new ConcurrentHashMap<>();
    private final Path file;
    private volatile Instant lastFlush = Instant.EPOCH;
    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Duration idleTimeout;
    private final Duration maxLifetime;

    public WebSessions(Clock clock, Duration idleTimeout, Duration maxLifetime) {
        this(clock, idleTimeout, maxLifetime, null);
    }

    /** Sessions kept in {@code file} as well (null: memory only); live ones in it are loaded now. */
    public WebSessions(Clock clock, Duration idleTimeout, Duration maxLifetime, Path file) {
        this.clock = Objects.requireNonNull(clock);
        this.file = file;
        if (idleTimeout.isNegative() || idleTimeout.isZero() || maxLifetime.isNegative() || maxLifetime.isZero()) {
            throw new IllegalArgumentException("session timeouts must be positive");
        }
        this.idleTimeout = idleTimeout;
        this.maxLifetime = maxLifetime;
        load();
    }

    public WebSessions(Clock clock) {
        this(clock, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_LIFETIME);
    }

    /** With the default timeouts, kept in {@code file}. */
    public static WebSessions persistent(Clock clock, Path file) {
        return new WebSessions(clock, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_LIFETIME, Objects.requireNonNull(file));
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
        flush();
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
        if (file != null && now.isAfter(lastFlush.plus(FLUSH_EVERY))) {
            flush();
        }
        return Optional.of(seen);
    }

    /** Whether the session of this cookie value is live, without counting this as activity. */
    public boolean alive(String id) {
        WebSession s = id == null ? null : byHash.get(hash(id));
        return s != null && !expired(s, clock.instant());
    }

    /** Ends the session of this cookie value, if any. */
    public void end(String id) {
        if (id != null && byHash.remove(hash(id)) != null) {
            flush();
        }
    }

    /** Ends every session of {@code user}. */
    public void endAll(String user) {
        if (byHash.values().removeIf(s -> s.user().equals(user))) {
            flush();
        }
    }

    /** Drops expired sessions; called now and then so abandoned ones do not pile up. */
    public void sweep() {
        Instant now = clock.instant();
        if (byHash.values().removeIf(s -> expired(s, now))) {
            flush();
        }
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

    /** Writes the live sessions to the file (if any); a failure is logged and the sessions stay in memory. */
    synchronized void flush() {
        if (file == null) {
            return;
        }
        Instant now = clock.instant();
        lastFlush = now;
        ArrayNode all = JSON.createArrayNode();
        byHash.forEach((key, s) -> {
            if (!expired(s, now)) {
                ObjectNode n = all.addObject();
                n.put("key", key);
                n.put("user", s.user());
                n.put("password", s.passwordFingerprint());
                n.put("csrf", s.csrfToken());
                n.put("created", s.created().toString());
                n.put("lastSeen", s.lastSeen().toString());
            }
        });
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, JSON.writeValueAsBytes(all));
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("could not save the browser sessions to {}: {}", file, e.toString());
        }
    }

    private void load() {
        if (file == null || !Files.isRegularFile(file)) {
            return;
        }
        Instant now = clock.instant();
        try {
            for (JsonNode n : JSON.readTree(file.toFile())) {
                WebSession s = new WebSession(n.path("user").asText(), n.path("password").asText(),
                        n.path("csrf").asText(), Instant.parse(n.path("created").asText()),
                        Instant.parse(n.path("lastSeen").asText()));
                if (!expired(s, now) && !n.path("key").asText().isEmpty()) {
                    byHash.put(n.path("key").asText(), s);
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: everyone signs in again, which is safe
            LOG.warn("could not read the browser sessions from {} (everyone signs in again): {}", file, e.toString());
            byHash.clear();
        }
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
