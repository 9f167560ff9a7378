package dev.flowstage.hooks.events;

import dev.flowstage.hooks.outbound.OutboundHttp;
import dev.flowstage.hooks.outbound.OutboundRefusedException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each team event to the team's webhooks that want its type: one signed JSON POST per webhook,
 * retried with exponential backoff on network errors, timeouts, 5xx, 408 and 429, never following a
 * redirect; the outcome goes to the {@link DeliveryLog}. Requests go through the server's {@link OutboundHttp},
 * so only to allowed addresses, and are sent without waiting: no thread is held while a receiver answers.
 * A few threads of its own (never the publisher's) start attempts and record outcomes; retries wait on
 * the scheduler, not in a sleeping thread. Logged errors carry the status and a standard reason, never
 * what the receiver wrote.
 */
public final class WebhookDispatcher implements EventListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    public static final String EVENT_HEADER = "X-Flowstage-Event";
    public static final String DELIVERY_HEADER = "X-Flowstage-Delivery";

    /**
     * Attempts per delivery, the first retry's delay and its growth factor, and the time one attempt may
     * take, connecting included (how long connecting may take is the shared {@link OutboundHttp}'s).
     */
    public record Settings(int maxAttempts, Duration firstRetryDelay, double backoffFactor, Duration requestTimeout) {
        /** Retries after 10 s, 1 min, 6 min and 36 min: a receiver may be down for most of an hour. */
        public static final Settings DEFAULT = new Settings(5, Duration.ofSeconds(10), 6.0, Duration.ofSeconds(15));

        public Settings {
            if (maxAttempts < 1 || backoffFactor < 1.0) {
                throw new IllegalArgumentException("maxAttempts must be >= 1 and backoffFactor >= 1");
            }
        }

        /** The wait before attempt {@code next} (2, 3, ...). */
        Duration delayBefore(int next) {
            return Duration.ofMillis((long) (firstRetryDelay.toMillis() * Math.pow(backoffFactor, next - 2)));
        }
    }

    private final WebhookStore webhooks;
    private final DeliveryLog log;
    private final Clock clock;
    private final Settings settings;
    /** Threads that start attempts and record outcomes (a Git write); none waits for a receiver. */
    static final int DELIVERY_THREADS = 2;

    private final OutboundHttp http;
    private final PendingDeliveries pending;
    /** Deliveries started and not yet ended: what a shutdown saves for the next start. */
    private final Set<Delivery> live = ConcurrentHashMap.newKeySet();
    /** Runs attempts, records outcomes and waits out retries; its threads start with the first delivery. */
    private final ScheduledExecutorService deliveries = Executors.newScheduledThreadPool(DELIVERY_THREADS, r -> {
        Thread t = new Thread(r, "flowstage-webhooks");
        t.setDaemon(true);
        return t;
    });

    public WebhookDispatcher(WebhookStore webhooks, DeliveryLog log, Clock clock, Settings settings,
                             OutboundHttp http, PendingDeliveries pending) {
        this.pending = pending;
        this.webhooks = webhooks;
        this.log = log;
        this.clock = clock;
        this.settings = settings;
        this.http = http;
    }

    /** Subscribes to every team's events on {@code bus}; close the returned subscription to stop. */
    public EventBus.Subscription subscribeTo(EventBus bus) {
        return bus.subscribe(null, this);
    }

    @Override
    public void onEvent(FlowstageEvent event) {
        List<Webhook> all = webhooks.list(event.team());
        for (Webhook w : all) {
            if (w.wants(event.type())) {
                Delivery d = new Delivery(event.team(), w, event.type(), event.target(), UUID.randomUUID().toString(),
                        EventJson.bytes(event), clock.instant());
                live.add(d);
                try {
                    deliveries.execute(() -> attempt(d));
                } catch (RejectedExecutionException closed) {
                    save(d, clock.instant()); // the next start sends it
                }
            }
        }
    }

    /**
     * Resumes the deliveries of {@code teams} that a previous run left pending, each at its due time (at
     * once when that has passed). Those of a webhook removed meanwhile are dropped.
     */
    public void resume(Collection<String> teams) {
        Instant now = clock.instant();
        for (String team : teams) {
            List<PendingDeliveries.Pending> waiting;
            try {
                waiting = pending.list(team);
            } catch (RuntimeException e) {
                LOG.warn("cannot read the pending webhook deliveries of team {}: {}", team, e.getMessage());
                continue;
            }
            for (PendingDeliveries.Pending p : waiting) {
                Optional<Webhook> w = webhooks.get(team, p.webhook());
                if (w.isEmpty()) {
                    forget(team, p.id());
                    continue;
                }
                Delivery d = new Delivery(team, w.get(), p.type(), p.target(), p.id(), p.body(), p.started());
                d.attempts = p.attempts();
                d.spentNanos = TimeUnit.MILLISECONDS.toNanos(p.spentMillis());
                d.saved = true;
                live.add(d);
                long delay = Math.max(0, Duration.between(now, p.dueAt()).toMillis());
                try {
                    deliveries.schedule(() -> attempt(d), delay, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException closed) {
                    return; // stopping already: the entries stay for the next start
                }
            }
        }
    }

    /**
     * One delivery in progress; one step at a time touches it, each handed to the next through an
     * executor. {@code saved}: it has an entry in {@link PendingDeliveries}; {@code ended}: its outcome
     * is recorded. Both change under the delivery's lock, which a shutdown takes too.
     */
    private static final class Delivery {
        final String team;
        final Webhook webhook;
        final String type;
        final String target;
        final String id;
        final byte[] body;
        final Instant started;
        int attempts;
        long spentNanos;
        boolean saved;
        boolean ended;

        Delivery(String team, Webhook webhook, String type, String target, String id, byte[] body, Instant started) {
            this.team = team;
            this.webhook = webhook;
            this.type = type;
            this.target = target;
            this.id = id;
            this.body = body;
            this.started = started;
        }
    }

    private void attempt(Delivery d) {
        d.attempts++;
        Optional<String> secret;
        try {
            secret = webhooks.secret(d.webhook);
        } catch (IllegalArgumentException unreadable) {
            finish(d, null, "the webhook's secret cannot be opened with this server's key");
            return;
        }
        Request request;
        try {
            request = http.newRequest(d.webhook.url(), settings.requestTimeout()).method(HttpMethod.POST)
                    .headers(h -> {
                        h.put(HttpHeader.USER_AGENT, "Flowstage-Webhook");
                        h.put(EVENT_HEADER, d.type);
                        h.put(DELIVERY_HEADER, d.id);
                        secret.ifPresent(s -> h.put(WebhookSignature.HEADER, WebhookSignature.sign(s, d.body)));
                    })
                    .body(new BytesRequestContent("application/json", d.body));
        } catch (IllegalStateException stopped) {
            d.attempts--; // not made: the next start makes it
            save(d, clock.instant());
            return;
        }
        long start = System.nanoTime();
        http.sendDiscardingBody(request).whenComplete((status, failure) -> onDeliveryThread(() -> {
            d.spentNanos += System.nanoTime() - start;
            if (failure != null) {
                failed(d, failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure);
            } else {
                answered(d, status);
            }
        }));
    }

    /** Outcomes are recorded on the delivery threads, not Jetty's; when those are stopped, right away. */
    private void onDeliveryThread(Runnable outcome) {
        try {
            deliveries.execute(outcome);
        } catch (RejectedExecutionException closed) {
            outcome.run();
        }
    }

    private void failed(Delivery d, Throwable failure) {
        if (failure instanceof OutboundRefusedException) {
            // the policy will say the same in a minute: not retried
            finish(d, null, failure.getMessage());
        } else {
            retryOrFinish(d, null, describe(failure), true);
        }
    }

    private void answered(Delivery d, int code) {
        if (code >= 200 && code < 300) {
            finish(d, code, null);
        } else if (code >= 300 && code < 400) {
            finish(d, code, "redirect not followed (webhook URLs must answer directly)");
        } else {
            boolean retryable = code >= 500 || code == 408 || code == 429;
            retryOrFinish(d, code, "the receiver answered " + OutboundHttp.describe(code), retryable);
        }
    }

    private void retryOrFinish(Delivery d, Integer code, String error, boolean retry) {
        if (!retry || d.attempts >= settings.maxAttempts()) {
            finish(d, code, error);
            return;
        }
        Duration delay = settings.delayBefore(d.attempts + 1);
        // kept in Git while it waits, so a restart (or a crash) meanwhile does not lose it
        save(d, clock.instant().plus(delay));
        try {
            deliveries.schedule(() -> attempt(d), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // stopping: the saved entry is resumed by the next start
        }
    }

    /** Saves {@code d} as pending, due at {@code dueAt}, unless it has ended meanwhile. */
    private void save(Delivery d, Instant dueAt) {
        synchronized (d) {
            if (d.ended) {
                return;
            }
            try {
                pending.save(d.team, new PendingDeliveries.Pending(d.id, d.webhook.name(), d.type, d.target, d.body,
                        d.attempts, TimeUnit.NANOSECONDS.toMillis(d.spentNanos), d.started, dueAt));
                d.saved = true;
            } catch (RuntimeException e) {
                LOG.warn("cannot save pending delivery {} to webhook {} of team {}: {}", d.id, d.webhook.name(),
                        d.team, e.getMessage());
            }
        }
    }

    private void forget(String team, String id) {
        try {
            pending.remove(team, id);
        } catch (RuntimeException e) {
            LOG.warn("cannot remove pending delivery {} of team {}: {}", id, team, e.getMessage());
        }
    }

    private void finish(Delivery d, Integer code, String error) {
        boolean wasSaved;
        synchronized (d) {
            if (d.ended) {
                return;
            }
            d.ended = true;
            wasSaved = d.saved;
        }
        live.remove(d);
        if (wasSaved) {
            forget(d.team, d.id);
        }
        WebhookDelivery result = new WebhookDelivery(d.id, d.webhook.name(), d.type, d.target,
                error == null, code, d.attempts, error, TimeUnit.NANOSECONDS.toMillis(d.spentNanos), d.started);
        try {
            log.record(d.team, result);
        } catch (RuntimeException e) {
            LOG.warn("cannot record delivery {} to webhook {} of team {}", d.id, d.webhook.name(), d.team, e);
        }
    }

    /** What went wrong, in our words: exception messages are kept out, they may quote the remote. */
    private static String describe(Throwable failure) {
        if (failure instanceof HttpTimeoutException) {
            return "no answer in time";
        }
        if (failure instanceof ConnectException) {
            return "cannot connect";
        }
        if (failure instanceof UnknownHostException) {
            return "unknown host";
        }
        return "request failed: " + failure.getClass().getSimpleName();
    }

    /**
     * Stops sending. Deliveries still owed an attempt (a first attempt not made or not answered, a
     * retry that has not come due) are saved as pending, not dropped: the next start resumes them, with
     * the same {@code X-Flowstage-Delivery} id so a receiver can tell a repeat.
     */
    @Override
    public void close() {
        deliveries.shutdownNow();
        Instant now = clock.instant();
        for (Delivery d : live) {
            synchronized (d) {
                if (!d.ended && !d.saved) {
                    save(d, now);
                }
            }
        }
    }
}
