package dev.flowstage.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The server's logging, set up in code: one line per event on the console, our own loggers at INFO
 * and the libraries' at WARN. Parsing an XML configuration cost about a third of a second of every
 * start. A {@code logback.xml} or {@code logback-test.xml} on the class path, or
 * {@code -Dlogback.configurationFile=FILE}, still wins: then this configurator steps aside.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class ConsoleLogConfigurator extends ContextAwareBase implements Configurator {
    static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{30} - %msg%n";
    static final Map<String, Level> LIBRARIES = Map.of(
            "org.eclipse.jgit", Level.WARN,
            "org.eclipse.jetty", Level.WARN,
            "org.apache.sshd", Level.WARN,
            "org.glassfish", Level.WARN);

    private final Predicate<String> resourceExists;

    public ConsoleLogConfigurator() {
        this(name -> ConsoleLogConfigurator.class.getClassLoader().getResource(name) != null);
    }

    ConsoleLogConfigurator(Predicate<String> resourceExists) {
        this.resourceExists = resourceExists;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null || resourceExists.test("logback-test.xml")
                || resourceExists.test("logback.xml")) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        JGitProbeNoise probeNoise = new JGitProbeNoise();
        probeNoise.setContext(context);
        probeNoise.start();
        context.addTurboFilter(probeNoise);
        RefusedPackNoise refusedPacks = new RefusedPackNoise();
        refusedPacks.setContext(context);
        refusedPacks.start();
        context.addTurboFilter(refusedPacks);
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        LIBRARIES.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Sends the console log to standard error from now on, for commands whose standard output is their answer
     * (the {@code admin} commands print a password there): a library's log line must not follow it into a
     * script that reads it. Does nothing when another logging configuration is in use.
     */
    public static void toStandardError() {
        if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            toStandardError(context);
        }
    }

    static void toStandardError(LoggerContext context) {
        if (context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console") instanceof ConsoleAppender<ILoggingEvent> c
                && !"System.err".equals(c.getTarget())) {
            c.stop();
            c.setTarget("System.err");
            c.start();
        }
    }
}
