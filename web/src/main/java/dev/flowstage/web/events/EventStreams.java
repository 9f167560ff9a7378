package dev.flowstage.web.events;

import dev.flowstage.hooks.access.AccessControl;
import dev.flowstage.hooks.access.Authenticator;
import dev.flowstage.hooks.access.Credentials;
import dev.flowstage.hooks.access.LoginResult;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.events.EventBus;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.TeamStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeRequest;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeResponse;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;

/**
 * The WebSocket {@code /api/v1/teams/{team}/events}: authenticates the upgrade request (Authorization
 * header, Basic or Bearer, or a ticket from {@link EventTicketResource}), lets members of any role in,
 * answers 404 to everyone else (as for a team that does not exist), then streams the team's events.
 */
public final class EventStreams implements AutoCloseable {
    static final String PATH_SPEC = "regex|^/api/v1/teams/([^/]+)/events$";
    private static final Pattern PATH = Pattern.compile("^/api/v1/teams/([^/]+)/events$");

    /**
     * Per connection: how many unsent events before the client is dropped as too slow, and how often it
     * is pinged (a client that answers no ping for two periods is closed).
     */
    public record Settings(int queueLimit, Duration pingInterval) {
        public static final Settings DEFAULT = new Settings(256, Duration.ofSeconds(30));
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
        LoginResult login = authenticate(request, team);
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
        // Non-members and devices see no team at all, exactly like a team that does not exist
        if (!Names.isValid(team) || teams.team(team).isEmpty() || access.role(principal.get(), team).isEmpty()) {
            response.sendError(404, "team '" + team + "' not found");
            return null;
        }
        return new EventSocket(bus, team, scheduler, clock, settings.queueLimit(), settings.pingInterval());
    }

    private LoginResult authenticate(JettyServerUpgradeRequest request, String team) {
        Credentials credentials = Credentials.parse(request.getHeader("Authorization"));
        if (!(credentials instanceof Credentials.None)) {
            return authenticator.login(credentials, request.getHttpServletRequest().getRemoteAddr());
        }
        List<String> ticket = request.getParameterMap().get("ticket");
        Optional<Principal> holder = ticket == null || ticket.size() != 1 ? Optional.empty() : tickets.redeem(ticket.get(0), team);
        return holder.<LoginResult>map(LoginResult.Success::new).orElse(LoginResult.FAILURE);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
