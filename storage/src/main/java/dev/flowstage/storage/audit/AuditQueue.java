package dev.flowstage.storage.audit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batches audit writes off the hot paths: {@link #add} only enqueues, and one background thread
 * writes what has gathered — once {@code batchSize} entries are waiting or {@code interval} after the
 * first of them — as one commit per log. {@link #flush} and {@link #close} write what is queued, so a
 * clean stop loses nothing; a killed process loses at most the entries not yet written.
 */
public final class AuditQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditQueue.class);
    /** Beyond this many unwritten entries (the disk is failing), new ones are dropped with a warning. */
    static final int CAPACITY = 100_000;

    private record Pending(String team, AuditEntry entry) {}

    private static final Pending WAKE = new Pending(null, null);

    private final AuditStore store;
    private final Duration interval;
    private final int batchSize;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>(CAPACITY);
    private final AtomicLong added = new AtomicLong();
    private final Object doneLock = new Object();
    private long done;
    private volatile boolean closing;
    private final Thread writer;

    public AuditQueue(AuditStore store, Duration interval, int batchSize) {
        this.store = store;
        this.interval = interval;
        this.batchSize = batchSize;
        this.writer = new Thread(this::run, "flowstage-audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** Queues {@code entry} for the log of {@code team} (null: the site's); returns at once. */
    public void add(String team, AuditEntry entry) {
        if (closing) {
            // after close nobody writes it: better said than silently lost
            LOG.warn("audit entry {} arrived after the audit writer stopped; not stored", entry.action());
            return;
        }
        if (!queue.offer(new Pending(team, entry))) {
            LOG.warn("audit queue full ({} entries unwritten); dropped {}", CAPACITY, entry.action());
            return;
        }
        added.incrementAndGet();
    }

    /** Writes everything queued before this call; waits at most {@code timeout}. True when it all was written. */
    public boolean flush(Duration timeout) {
        long target = added.get();
        queue.offer(WAKE);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (doneLock) {
            while (done < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(doneLock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return true;
    }

    private void run() {
        while (!(closing && queue.isEmpty())) {
            List<Pending> batch = new ArrayList<>();
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                long deadline = System.nanoTime() + interval.toNanos();
                Pending p = first;
                while (p != null && p != WAKE) {
                    batch.add(p);
                    if (batch.size() >= batchSize) {
                        break;
                    }
                    long left = deadline - System.nanoTime();
                    p = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                write(batch);
                return;
            }
            write(batch);
        }
    }

    private void write(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        Map<String, List<AuditEntry>> byLog = new LinkedHashMap<>();
        Map<String, String> teams = new LinkedHashMap<>();
        for (Pending p : batch) {
            String key = p.team() == null ? "\0site" : p.team();
            teams.put(key, p.team());
            byLog.computeIfAbsent(key, k -> new ArrayList<>()).add(p.entry());
        }
        for (Map.Entry<String, List<AuditEntry>> log : byLog.entrySet()) {
            String team = teams.get(log.getKey());
            try {
                store.append(team, log.getValue());
            } catch (RuntimeException e) {
                LOG.warn("could not store {} audit entries of {}: {}", log.getValue().size(),
                        team == null ? "the site" : "team " + team, e.toString());
            }
        }
        synchronized (doneLock) {
            done += batch.size();
            doneLock.notifyAll();
        }
    }

    /** Writes what is queued, then stops the writer. */
    @Override
    public void close() {
        flush(Duration.ofSeconds(10));
        closing = true; // the writer notices within its 100 ms poll, after draining what is left
        try {
            writer.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
