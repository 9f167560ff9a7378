package dev.flowstage.server.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.FileSize;
import dev.flowstage.server.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * {@code --log-file FILE}: the server log also goes to FILE, in the console's format, rolled at midnight
 * (local time) and whenever it reaches {@link #MAX_FILE_SIZE}; rolled files are gzipped next to it as
 * {@code FILE-without-extension.yyyy-MM-dd.N.log.gz}, kept for the configured days and, all together, to at
 * most {@link #TOTAL_SIZE_CAP} (the oldest go first). Added once the configuration is read, so the lines
 * before that (logging starts with the JVM) are on the console only.
 */
public final class LogFile implements AutoCloseable {
    static final String APPENDER_NAME = "file";
    /** A file is rolled over when it reaches this size, even within the day. */
    public static final String MAX_FILE_SIZE = "100MB";
    /** All rolled files together never exceed this; the oldest are deleted first. */
    public static final String TOTAL_SIZE_CAP = "2GB";

    private final LoggerContext context;
    private final RollingFileAppender<ILoggingEvent> appender;

    private LogFile(LoggerContext context, RollingFileAppender<ILoggingEvent> appender) {
        this.context = context;
        this.appender = appender;
    }

    /**
     * Starts writing the root logger's events to {@code file} as well; empty when Logback is not the
     * logging backend (then there is no console logging of ours either).
     * @throws ConfigException when the file cannot be written
     */
    public static Optional<LogFile> open(Path file, int keepDays) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return Optional.empty();
        }
        LogFile log = new LogFile(context, appender(context, file.toAbsolutePath().normalize(), Limits.documented(keepDays)));
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(log.appender);
        return Optional.of(log);
    }

    /** When a file rolls over and how much of the rolled ones is kept. */
    record Limits(FileSize maxFileSize, int keepDays, FileSize totalSizeCap) {
        static Limits documented(int keepDays) {
            return new Limits(FileSize.valueOf(MAX_FILE_SIZE), keepDays, FileSize.valueOf(TOTAL_SIZE_CAP));
        }
    }

    static RollingFileAppender<ILoggingEvent> appender(LoggerContext context, Path file, Limits limits) {
        try {
            Files.createDirectories(file.getParent());
        } catch (IOException e) {
            throw new ConfigException("cannot create the directory of the log file " + file + ": " + e);
        }
        long statusesBefore = context.getStatusManager().getCount();
        RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
        appender.setContext(context);
        appender.setName(APPENDER_NAME);
        appender.setFile(file.toString());
        appender.setAppend(true);

        SizeAndTimeBasedRollingPolicy<ILoggingEvent> policy = new SizeAndTimeBasedRollingPolicy<>();
        policy.setContext(context);
        policy.setParent(appender);
        policy.setFileNamePattern(rolledPattern(file));
        policy.setMaxFileSize(limits.maxFileSize());
        policy.setMaxHistory(limits.keepDays());
        policy.setTotalSizeCap(limits.totalSizeCap());
        policy.setCleanHistoryOnStart(true);
        policy.start();
        appender.setRollingPolicy(policy);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(ConsoleLogConfigurator.PATTERN);
        encoder.start();
        appender.setEncoder(encoder);
        appender.start();
        if (!appender.isStarted() || !Files.isWritable(file)) {
            String why = context.getStatusManager().getCopyOfStatusList().stream().skip(statusesBefore)
                    .filter(s -> s.getLevel() == Status.ERROR).map(s -> s.getMessage()
                            + (s.getThrowable() == null ? "" : ": " + s.getThrowable().getMessage()))
                    .findFirst().orElse("not writable");
            appender.stop();
            throw new ConfigException("cannot write the log file " + file + ": " + why);
        }
        return appender;
    }

    /** {@code /var/log/flowstage/flowstage.log} → {@code /var/log/flowstage/flowstage.%d{yyyy-MM-dd}.%i.log.gz}. */
    static String rolledPattern(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot <= 0 ? name : name.substring(0, dot);
        String extension = dot <= 0 ? ".log" : name.substring(dot);
        return file.resolveSibling(base + ".%d{yyyy-MM-dd}.%i" + extension + ".gz").toString();
    }

    /** The file written now. */
    public Path file() {
        return Path.of(appender.getFile());
    }

    RollingFileAppender<ILoggingEvent> appender() {
        return appender;
    }

    /** Stops writing to the file (after the last line: call it after logging the shutdown). */
    @Override
    public void close() {
        context.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(appender);
        appender.stop();
    }
}
