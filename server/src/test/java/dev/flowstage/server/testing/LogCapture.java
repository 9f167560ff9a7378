package dev.flowstage.server.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Collects every log line the server writes while a test class runs, to prove secrets are never logged. */
public final class LogCapture extends AppenderBase<ILoggingEvent> {
    private final List<String> lines = new ArrayList<>();

    public static LogCapture attach() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        LogCapture capture = new LogCapture();
        capture.setContext(ctx);
        capture.setName("test-capture");
        capture.start();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(capture);
        return capture;
    }

    public void detach() {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(this);
        stop();
    }

    @Override
    protected synchronized void append(ILoggingEvent e) {
        StringBuilder sb = new StringBuilder(e.getLevel() + " " + e.getLoggerName() + " " + e.getFormattedMessage());
        for (var t = e.getThrowableProxy(); t != null; t = t.getCause()) {
            sb.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        lines.add(sb.toString());
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Every captured line joined, for assertions. */
    public String text() {
        return String.join("\n", lines());
    }
}
