package dev.flowstage.agent.run;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a failure once when it starts (or when it turns into another kind of failure), not on every retry,
 * and one line when things work again: a device that lost its server for a day logs two lines, not
 * thousands. The kind groups messages that are one state seen from different calls (the watch and the
 * fetch both failing while the server is away).
 */
public final class ProblemLog {
    /** Where lines go; the agent's log by default. */
    public interface Sink {
        void warn(String line);

        void info(String line);
    }

    private static final Logger LOG = LoggerFactory.getLogger("flowstage.agent");

    private final Sink sink;
    private String currentKind;
    private String current;
    private int attempts;

    public ProblemLog() {
        this(new Sink() {
            @Override
            public void warn(String line) {
                LOG.warn(line);
            }

            @Override
            public void info(String line) {
                LOG.info(line);
            }
        });
    }

    public ProblemLog(Sink sink) {
        this.sink = sink;
    }

    /** Notes a failure of {@code kind}; logs it when the kind differs from the one already logged. */
    public synchronized void failure(String kind, String message) {
        attempts++;
        current = message;
        if (Objects.equals(kind, currentKind)) {
            return;
        }
        currentKind = kind;
        attempts = 1;
        sink.warn(message + " (retrying with backoff; logged again only when it changes)");
    }

    /** Notes a success; logs the recovery once when a failure was logged before. */
    public synchronized void recovered(String what) {
        if (currentKind != null) {
            sink.info(what + " again, after " + attempts + " failed attempt" + (attempts == 1 ? "" : "s")
                    + " (last: " + current + ")");
            currentKind = null;
            current = null;
            attempts = 0;
        }
    }

    /** Whether a failure is being retried. */
    public synchronized boolean failing() {
        return currentKind != null;
    }
}
