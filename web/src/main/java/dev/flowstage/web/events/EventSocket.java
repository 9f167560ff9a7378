package dev.flowstage.web.events;

import dev.flowstage.hooks.events.EventBus;
import dev.flowstage.hooks.events.EventJson;
import dev.flowstage.hooks.events.FlowstageEvent;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One client's event stream: subscribes to its team on open, sends each event as one JSON text
 * message with at most one send in flight, and keeps at most {@code queueLimit} unsent events —
 * a client that falls further behind is disconnected (1008) instead of being buffered forever.
 * Pings every {@code pingInterval}; a client that answers no ping for two intervals is closed. Every
 * {@code recheckInterval} it asks {@code stillAllowed}; once that says no (a revoked token, a removed
 * member, a deleted team) the stream is closed with 1008 and no further event is sent.
 */
public final class EventSocket implements Session.Listener.AutoDemanding {
    static final String TOO_SLOW = "too slow: events were not read in time";
    static final String NO_PONG = "no answer to pings";
    static final String NO_LONGER_ALLOWED = "no longer allowed to read this team";

    private final EventBus bus;
    private final String team;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final int queueLimit;
    private final Duration pingInterval;
    private final BooleanSupplier stillAllowed;
    private final BooleanSupplier seesAudit;
    private final Duration recheckInterval;

    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean closed;
    private volatile Session session;
    private volatile Instant lastPong;
    private EventBus.Subscription subscription;
    private ScheduledFuture<?> pinger;
    private ScheduledFuture<?> rechecker;

    EventSocket(EventBus bus, String team, ScheduledExecutorService scheduler, Clock clock,
                int queueLimit, Duration pingInterval, BooleanSupplier stillAllowed, Duration recheckInterval) {
        this(bus, team, scheduler, clock, queueLimit, pingInterval, stillAllowed, recheckInterval, () -> true);
    }

    /** {@code seesAudit} says, at each {@code audit} event, whether this client may read the audit log (owners). */
    EventSocket(EventBus bus, String team, ScheduledExecutorService scheduler, Clock clock,
                int queueLimit, Duration pingInterval, BooleanSupplier stillAllowed, Duration recheckInterval,
                BooleanSupplier seesAudit) {
        this.seesAudit = seesAudit;
        this.stillAllowed = stillAllowed;
        this.recheckInterval = recheckInterval;
        this.bus = bus;
        this.team = team;
        this.scheduler = scheduler;
        this.clock = clock;
        this.queueLimit = queueLimit;
        this.pingInterval = pingInterval;
    }

    @Override
    public void onWebSocketOpen(Session s) {
        session = s;
        lastPong = clock.instant();
        synchronized (this) {
            subscription = bus.subscribe(team, this::enqueue);
            long ms = pingInterval.toMillis();
            pinger = scheduler.scheduleAtFixedRate(this::ping, ms, ms, TimeUnit.MILLISECONDS);
            long recheck = recheckInterval.toMillis();
            rechecker = scheduler.scheduleWithFixedDelay(this::recheck, recheck, recheck, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
        lastPong = clock.instant();
    }

    @Override
    public void onWebSocketText(String message) {
        // The stream is one-way; anything a client sends is ignored.
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        stop();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        stop();
    }

    private void enqueue(FlowstageEvent event) {
        // the audit log is the owners' (its ref is hidden from the others too): asked per event, so a
        // demoted owner stops seeing entries at once
        if (FlowstageEvent.AUDIT.equals(event.type()) && !seesAudit.getAsBoolean()) {
            return;
        }
        String text = EventJson.text(event);
        boolean overflow;
        synchronized (this) {
            if (closed) {
                return;
            }
            overflow = queue.size() >= queueLimit;
            if (!overflow) {
                queue.add(text);
                if (sending) {
                    return;
                }
                sending = true;
            }
        }
        if (overflow) {
            closeWith(StatusCode.POLICY_VIOLATION, TOO_SLOW);
        } else {
            sendNext();
        }
    }

    private void sendNext() {
        String next;
        synchronized (this) {
            next = closed ? null : queue.poll();
            if (next == null) {
                sending = false;
                return;
            }
        }
        session.sendText(next, Callback.from(this::sendNext, failure -> stop()));
    }

    private void ping() {
        Session s = session;
        if (s == null || !s.isOpen()) {
            stop();
            return;
        }
        if (Duration.between(lastPong, clock.instant()).compareTo(pingInterval.multipliedBy(2)) > 0) {
            closeWith(StatusCode.POLICY_VIOLATION, NO_PONG);
            return;
        }
        s.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
    }

    private void recheck() {
        boolean allowed;
        try {
            allowed = stillAllowed.getAsBoolean();
        } catch (RuntimeException e) {
            allowed = false; // a check that cannot be made is not a yes
        }
        if (!allowed) {
            closeWith(StatusCode.POLICY_VIOLATION, NO_LONGER_ALLOWED);
        }
    }

    private void closeWith(int status, String reason) {
        stop();
        Session s = session;
        if (s != null && s.isOpen()) {
            s.close(status, reason, Callback.NOOP);
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        queue.clear();
        if (subscription != null) {
            subscription.close();
        }
        if (pinger != null) {
            pinger.cancel(false);
        }
        if (rechecker != null) {
            rechecker.cancel(false);
        }
    }
}
