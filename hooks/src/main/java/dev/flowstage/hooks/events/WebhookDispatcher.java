package dev.flowstage.hooks.events;

import dev.flowstage.hooks.outbound.OutboundConnector;
import dev.flowstage.hooks.outbound.OutboundHttp;
import dev.flowstage.hooks.outbound.OutboundRefusedException;
import dev.flowstage.hooks.outbound.OutboundRequest;
import dev.flowstage.hooks.outbound.OutboundResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each team event to the team's webhooks that want its type: one signed JSON POST per webhook,
 * retried with exponential backoff on network errors, timeouts, 5xx, 408 and 429, never following a
 * redirect; the outcome goes to the {@link DeliveryLog}. Requests go through the server's
 * {@link OutboundConnector}, so only to allowed addresses, on a few delivery threads (never the publisher's);
 * retries wait on the scheduler, not in a sleeping thread. Logged errors carry the status and a standard
 * reason, never what the receiver wrote.
 */
public final class WebhookDispatcher implements EventListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookDispatcher.class);
    public static final String EVENT_HEADER = "X-Flowstage-Event";
    public static final String DELIVERY_HEADER = "X-Flowstage-Delivery";

    /** Attempts per delivery, the first retry's delay and its growth factor, and the HTTP timeouts. */
    public record Settings(int maxAttempts, Duration firstRetryDelay, double backoffFactor,
                           Duration connectTimeout, Duration requestTimeout) {
        /** Retries after 10 s, 1 min, 6 min and 36 min: a receiver may be down for most of an hour. */
        public static final Settings DEFAULT = new Settings(5, Duration.ofSeconds(10), 6.0,
                Duration.ofSeconds(5), Duration.ofSeconds(15));

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
    /** Deliveries under way at once; a receiver that never answers holds one for the request timeout at most. */
    static final int DELIVERY_THREADS = 4;

    private final OutboundHttp http;
    /** Runs attempts and waits out retries; its threads start with the first delivery. */
    private final ScheduledExecutorService deliveries = Executors.newScheduledThreadPool(DELIVERY_THREADS, r -> {
        Thread t = new Thread(r, "flowstage-webhooks");
        t.setDaemon(true);
        return t;
    });

    public WebhookDispatcher(WebhookStore webhooks, DeliveryLog log, Clock clock, Settings settings,
                             OutboundConnector outbound) {
        this.webhooks = webhooks;
        this.log = log;
        this.clock = clock;
        this.settings = settings;
        this.http = new OutboundHttp(outbound, settings.connectTimeout());
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
                Delivery d = new Delivery(event.team(), w, event, UUID.randomUUID().toString(), EventJson.bytes(event),
                        clock.instant());
                try {
                    deliveries.execute(() -> attempt(d));
                } catch (RejectedExecutionException closed) {
                    finish(d, null, "not sent: the server is stopping");
                }
            }
        }
    }

    /** One delivery in progress; only the thread handling its current attempt touches it. */
    private static final class Delivery {
        final String team;
        final Webhook webhook;
        final FlowstageEvent event;
        final String id;
        final byte[] body;
        final Instant started;
        int attempts;
        long spentNanos;

        Delivery(String team, Webhook webhook, FlowstageEvent event, String id, byte[] body, Instant started) {
            this.team = team;
            this.webhook = webhook;
            this.event = event;
            this.id = id;
            this.body = body;
            this.started = started;
        }
    }

    private void attempt(Delivery d) {
        d.attempts++;
        OutboundRequest request = OutboundRequest.post(d.webhook.url(), d.body, settings.requestTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "Flowstage-Webhook")
                .header(EVENT_HEADER, d.event.type())
                .header(DELIVERY_HEADER, d.id);
        try {
            var secret = webhooks.secret(d.webhook);
            if (secret.isPresent()) {
                request = request.header(WebhookSignature.HEADER, WebhookSignature.sign(secret.get(), d.body));
            }
        } catch (IllegalArgumentException unreadable) {
            finish(d, null, "the webhook's secret cannot be opened with this server's key");
            return;
        }
        long start = System.nanoTime();
        OutboundResponse rsp;
        try {
            rsp = http.sendDiscardingBody(request);
        } catch (OutboundRefusedException e) {
            // the policy will say the same in a minute: not retried
            d.spentNanos += System.nanoTime() - start;
            finish(d, null, e.getMessage());
            return;
        } catch (IOException | RuntimeException e) {
            d.spentNanos += System.nanoTime() - start;
            retryOrFinish(d, null, describe(e), true);
            return;
        }
        d.spentNanos += System.nanoTime() - start;
        int code = rsp.status();
        if (code >= 200 && code < 300) {
            finish(d, code, null);
        } else if (code >= 300 && code < 400) {
            finish(d, code, "redirect not followed (webhook URLs must answer directly)");
        } else {
            boolean retryable = code >= 500 || code == 408 || code == 429;
            retryOrFinish(d, code, "the receiver answered " + rsp.describe(), retryable);
        }
    }

    private void retryOrFinish(Delivery d, Integer code, String error, boolean retry) {
        if (!retry || d.attempts >= settings.maxAttempts()) {
            finish(d, code, error);
            return;
        }
        try {
            deliveries.schedule(() -> attempt(d), settings.delayBefore(d.attempts + 1).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            finish(d, code, error + "; not retried: the server is stopping");
        }
    }

    private void finish(Delivery d, Integer code, String error) {
        WebhookDelivery result = new WebhookDelivery(d.id, d.webhook.name(), d.event.type(), d.event.target(),
                error == null, code, d.attempts, error, TimeUnit.NANOSECONDS.toMillis(d.spentNanos), d.started);
        try {
            log.record(d.team, result);
        } catch (RuntimeException e) {
            LOG.warn("cannot record delivery {} to webhook {} of team {}", d.id, d.webhook.name(), d.team, e);
        }
    }

    /** What went wrong, in our words: exception messages are kept out, they may quote the remote. */
    private static String describe(Exception failure) {
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

    @Override
    public void close() {
        deliveries.shutdownNow();
    }
}
