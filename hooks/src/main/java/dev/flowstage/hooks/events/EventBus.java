package dev.flowstage.hooks.events;

import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-process event bus. {@link #publish} only enqueues: each subscription has its own bounded
 * mailbox drained on a small shared pool, so a slow subscriber delays nobody else (a push never waits
 * for a WebSocket client) and sees its events in publication order. A subscriber that falls more than
 * {@code mailboxLimit} events behind loses the overflow, with a warning, rather than growing memory.
 */
public final class EventBus implements EventPublisher, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);
    public static final int DEFAULT_MAILBOX_LIMIT = 10_000;

    private final CopyOnWriteArrayList<Mailbox> subscriptions = new CopyOnWriteArrayList<>();
    private final ExecutorService pool;
    private final int mailboxLimit;

    public EventBus() {
        this(2, DEFAULT_MAILBOX_LIMIT);
    }

    public EventBus(int threads, int mailboxLimit) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "flowstage-events-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.mailboxLimit = mailboxLimit;
    }

    /** A subscription to one team's events ({@code team} non-null) or to all teams' ({@code null}). */
    public Subscription subscribe(String team, EventListener listener) {
        Mailbox box = new Mailbox(team, Objects.requireNonNull(listener));
        subscriptions.add(box);
        return box;
    }

    @Override
    public void publish(FlowstageEvent event) {
        Objects.requireNonNull(event);
        for (Mailbox box : subscriptions) {
            if (box.team == null || box.team.equals(event.team())) {
                box.offer(event);
            }
        }
    }

    /** How many subscriptions are open (for metrics and tests). */
    public int subscriptions() {
        return subscriptions.size();
    }

    /** Stops delivering; events still in mailboxes are dropped. */
    @Override
    public void close() {
        subscriptions.clear();
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A live subscription; closing it stops delivery (an event being delivered finishes). */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    private final class Mailbox implements Subscription, Runnable {
        final String team;
        final EventListener listener;
        final Queue<FlowstageEvent> queue = new ConcurrentLinkedQueue<>();
        final AtomicInteger size = new AtomicInteger();
        final AtomicBoolean scheduled = new AtomicBoolean();
        volatile boolean closed;

        Mailbox(String team, EventListener listener) {
            this.team = team;
            this.listener = listener;
        }

        void offer(FlowstageEvent event) {
            if (size.incrementAndGet() > mailboxLimit) {
                size.decrementAndGet();
                LOG.warn("event subscriber is {} events behind; dropped a {} event of team {}",
                        mailboxLimit, event.type(), event.team());
                return;
            }
            queue.add(event);
            schedule();
        }

        private void schedule() {
            if (!closed && scheduled.compareAndSet(false, true)) {
                try {
                    pool.execute(this);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    scheduled.set(false); // the bus is closed
                }
            }
        }

        @Override
        public void run() {
            try {
                FlowstageEvent e;
                while (!closed && (e = queue.poll()) != null) {
                    size.decrementAndGet();
                    try {
                        listener.onEvent(e);
                    } catch (RuntimeException failure) {
                        LOG.warn("event subscriber failed on a {} event of team {}", e.type(), e.team(), failure);
                    }
                }
            } finally {
                scheduled.set(false);
            }
            // an event offered between the last poll and clearing the flag must not wait for the next one
            if (!closed && !queue.isEmpty()) {
                schedule();
            }
        }

        @Override
        public void close() {
            closed = true;
            subscriptions.remove(this);
            queue.clear();
        }
    }
}
