package dev.flowstage.web.events;

import dev.flowstage.hooks.access.Principal;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Short-lived, single-use tickets that let a browser open the event WebSocket (browsers cannot set an
 * Authorization header on a WebSocket). A ticket belongs to one principal and one team and keeps the
 * credential it was asked with, so the stream can check now and then that the credential still holds
 * (a revoked token ends the stream). Kept in memory only: a restart invalidates outstanding tickets.
 */
public final class EventTickets {
    public static final Duration DEFAULT_VALIDITY = Duration.ofSeconds(60);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What a ticket was issued for. */
    public record Issued(String ticket, Instant expiresAt) {}

    /**
     * A redeemed ticket: who, and the Authorization header the ticket was asked with — or, for a browser
     * signed in with a session cookie, a check whether that session is still live.
     */
    public record Redeemed(Principal principal, String authorization, BooleanSupplier sessionLive) {}

    private record Grant(Principal principal, String authorization, BooleanSupplier sessionLive, String team,
                         Instant expiresAt) {}

    private final Map<String, Grant> grants = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration validity;

    public EventTickets(Clock clock, Duration validity) {
        this.clock = clock;
        this.validity = validity;
    }

    /** A ticket for {@code principal}, who asked with the header {@code authorization}. */
    public Issued issue(Principal principal, String authorization, String team) {
        return issue(principal, authorization, null, team);
    }

    /**
     * A ticket for {@code principal}, who asked with the header {@code authorization} or, when that is
     * null, with a browser session that {@code sessionLive} tells is still signed in.
     */
    public Issued issue(Principal principal, String authorization, BooleanSupplier sessionLive, String team) {
        Instant now = clock.instant();
        grants.values().removeIf(g -> !g.expiresAt().isAfter(now));
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String ticket = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Grant grant = new Grant(principal, authorization, sessionLive, team, now.plus(validity));
        grants.put(ticket, grant);
        return new Issued(ticket, grant.expiresAt());
    }

    /** The ticket's principal when it is valid for {@code team}; a ticket is consumed by any attempt to use it. */
    public Optional<Redeemed> redeem(String ticket, String team) {
        Grant grant = ticket == null ? null : grants.remove(ticket);
        if (grant == null || !grant.team().equals(team) || !clock.instant().isBefore(grant.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(new Redeemed(grant.principal(), grant.authorization(), grant.sessionLive()));
    }
}
