package dev.flowstage.web.events;

import dev.flowstage.hooks.access.AccessControl;
import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.Credentials;
import dev.flowstage.hooks.access.LoginResult;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.events.EventBus;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.TeamStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeRequest;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeResponse;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;

/**
 * The WebSocket {@code /api/v1/teams/{team}/events}: refuses upgrades a browser makes from another
 * origin (cross-site WebSocket hijacking with the browser's cached credentials), authenticates the
 * upgrade request (Authorization header, Basic or Bearer, or a ticket from {@link EventTicketResource}),
 * lets members of any role in, answers 404 to everyone else (as for a team that does not exist), then
 * streams the team's events — and every {@code recheckInterval} checks again that the credential
 * still holds and its user may still read the team, closing the stream (1008) when not.
 */
public final class EventStreams implements AutoCloseable {
    static final String PATH_SPEC = "regex|^/api/v1/teams/([^/]+)/events$";
    private static final Pattern PATH = Pattern.compile("^/api/v1/teams/([^/]+)/events$");

    /**
     * Per connection: how many unsent events before the client is dropped as too slow, and how often it
     * is pinged (a client that answers no ping for two periods is closed).
     */
    public record Settings(int queueLimit, Duration pingInterval, Duration recheckInterval) {
        public static final Settings DEFAULT = new Settings(256, Duration.ofSeconds(30), Duration.ofSeconds(5));

        public Settings(int queueLimit, Duration pingInterval) {
            this(queueLimit, pingInterval, DEFAULT.recheckInterval());
        }
    }

    private final EventBus bus;
    private final Authenticator authenticator;
    private final AccessControl access;
    private final TeamStore teams;
    private final EventTickets tickets;
    private final Clock clock;
    private final Settings settings;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "flowstage-event-pings");
        t.setDaemon(true);
        return t;
    });

    public EventStreams(EventBus bus, Authenticator authenticator, AccessControl access, TeamStore teams,
                        EventTickets tickets, Clock clock, Settings settings) {
        this.bus = bus;
        this.authenticator = authenticator;
        this.access = access;
        this.teams = teams;
        this.tickets = tickets;
        this.clock = clock;
        this.settings = settings;
    }

    /** Installs the WebSocket endpoint in {@code context}; call before the context starts. */
    public void mount(ServletContextHandler context) {
        JettyWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            // Jetty's own idle timeout only backs up the ping check, which catches silent clients first
            container.setIdleTimeout(settings.pingInterval().multipliedBy(3));
            container.setMaxTextMessageSize(4096);
            container.addMapping(PATH_SPEC, this::accept);
        });
    }

    private Object accept(JettyServerUpgradeRequest request, JettyServerUpgradeResponse response) throws Exception {
        Matcher m = PATH.matcher(request.getRequestPath());
        String team = m.matches() ? m.group(1) : "";
        String origin = request.getHeader("Origin");
        if (origin != null && !SameOrigin.matches(origin, request.isSecure(), request.getHeader("Host"))) {
            response.sendError(403, "cross-origin WebSocket upgrade refused: open the event stream from this"
                    + " server's own pages, or from a client that sends no Origin header");
            return null;
        }
        SignedIn signedIn = authenticate(request, team);
        LoginResult login = signedIn.result();
        if (login instanceof LoginResult.Throttled throttled) {
            response.setHeader("Retry-After", Long.toString(throttled.retryAfterSeconds()));
            response.sendError(429, throttled.message());
            return null;
        }
        Optional<Principal> principal = login instanceof LoginResult.Success s ? Optional.of(s.principal()) : Optional.empty();
        if (principal.isEmpty()) {
            response.setHeader("WWW-Authenticate", "Basic realm=\"flowstage\"");
            response.sendError(401, "authentication required: an Authorization header (Basic or Bearer) or a ticket"
                    + " from POST /api/v1/teams/" + team + "/events/ticket");
            return null;
        }
        // who it was, for the request log
        request.getHttpServletRequest().setAttribute(dev.flowstage.web.git.GitAuthFilter.PRINCIPAL, principal.get());
        // Non-members and devices see no team at all, exactly like a team that does not exist
        if (!Names.isValid(team) || teams.team(team).isEmpty() || access.role(principal.get(), team).isEmpty()) {
            response.sendError(404, "team '" + team + "' not found");
            return null;
        }
        String authorization = signedIn.authorization();
        BooleanSupplier sessionLive = signedIn.sessionLive();
        Principal who = principal.get();
        BooleanSupplier stillAllowed = () -> (authorization != null
                        ? authenticator.authenticate(Credentials.parse(authorization)).filter(who::equals).isPresent()
                        : sessionLive != null && sessionLive.getAsBoolean())
                && teams.team(team).isPresent() && access.role(who, team).isPresent();
        BooleanSupplier seesAudit = () -> access.role(who, team).filter(r -> r.atLeast(Role.OWNER)).isPresent();
        return new EventSocket(bus, team, scheduler, clock, settings.queueLimit(), settings.pingInterval(),
                stillAllowed, settings.recheckInterval(), seesAudit);
    }

    /** How the upgrade signed in, and the Authorization header to check the stream against later. */
    private record SignedIn(LoginResult result, String authorization, BooleanSupplier sessionLive) {}

    private SignedIn authenticate(JettyServerUpgradeRequest request, String team) {
        String header = request.getHeader("Authorization");
        Credentials credentials = Credentials.parse(header);
        if (!(credentials instanceof Credentials.None)) {
            return new SignedIn(authenticator.login(credentials, request.getHttpServletRequest().getRemoteAddr()),
                    header, null);
        }
        List<String> ticket = request.getParameterMap().get("ticket");
        Optional<EventTickets.Redeemed> redeemed = ticket == null || ticket.size() != 1 ? Optional.empty()
                : tickets.redeem(ticket.get(0), team);
        return redeemed.map(r -> new SignedIn(new LoginResult.Success(r.principal()), r.authorization(), r.sessionLive()))
                .orElse(new SignedIn(LoginResult.FAILURE, null, null));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
