package dev.flowstage.agent.run;

import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a failure once when it starts (or when it turns into another failure), not on every retry, and
 * one line when things work again: a device that lost its server for a day logs two lines, not thousands.
 */
public final class ProblemLog {
    /** Where lines go; the agent's log by default. */
    public interface Sink {
        void warn(String line);

        void info(String line);
    }

    private static final Logger LOG = LoggerFactory.getLogger("flowstage.agent");

    private final Sink sink;
    private String current;
    private int repeats;

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

    /** Notes a failure; logs it when it differs from the one already logged. */
    public synchronized void failure(String message) {
        if (Objects.equals(message, current)) {
            repeats++;
            return;
        }
        current = message;
        repeats = 0;
        sink.warn(message + " (retrying with backoff; logged again only when it changes)");
    }

    /** Notes a success; logs the recovery once when a failure was logged before. */
    public synchronized void recovered(String what) {
        if (current != null) {
            sink.info(what + " again, after " + (repeats + 1) + " failed attempt" + (repeats == 0 ? "" : "s")
                    + " (last: " + current + ")");
            current = null;
            repeats = 0;
        }
    }

    /** Whether a failure is being retried. */
    public synchronized boolean failing() {
        return current != null;
    }
}
