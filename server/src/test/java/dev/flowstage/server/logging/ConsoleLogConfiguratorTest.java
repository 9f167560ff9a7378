package dev.flowstage.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.read.ListAppender;
import java.io.File;
import java.io.FileNotFoundException;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConsoleLogConfiguratorTest {
    @Test
    void setsUpTheConsoleWithLibrariesAtWarn() {
        LoggerContext context = new LoggerContext();
        assertThat(new ConsoleLogConfigurator(name -> false).configure(context))
                .isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<?> console = (ConsoleAppender<?>) root.getAppender("console");
        assertThat(console.isStarted()).isTrue();
        assertThat(((PatternLayoutEncoder) console.getEncoder()).getPattern()).isEqualTo(ConsoleLogConfigurator.PATTERN);
        for (String library : Set.of("org.eclipse.jgit", "org.eclipse.jetty.server", "org.apache.sshd", "org.glassfish.jersey")) {
            assertThat(context.getLogger(library).isInfoEnabled()).as(library).isFalse();
            assertThat(context.getLogger(library).isWarnEnabled()).as(library).isTrue();
        }
        assertThat(context.getLogger("dev.flowstage.server.FlowstageServer").isInfoEnabled()).isTrue();
        assertThat(context.getLogger("dev.flowstage.server.FlowstageServer").isDebugEnabled()).isFalse();
    }

    @Test
    void jgitsErrorAboutItsVanishedTimestampProbeIsDroppedAndItsOtherMessagesPass() {
        LoggerContext context = new LoggerContext();
        new ConsoleLogConfigurator(name -> false).configure(context);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(seen);
        org.slf4j.Logger fs = context.getLogger(JGitProbeNoise.LOGGER);
        String probe = "/data/site.git" + File.separator + ".probe-c523675a-5b60-4551-9d19-011609b113fd";
        // what a process ending during JGit's background measurement logged (on standard output)
        FileNotFoundException vanished = new FileNotFoundException(probe + " (No such file or directory)");
        fs.error(vanished.getMessage(), vanished);
        assertThat(seen.list).isEmpty();
        FileNotFoundException other = new FileNotFoundException("/data/jgit.config (Permission denied)");
        fs.error(other.getMessage(), other);
        fs.warn("timestamp resolution of {} is larger than expected", "/data");
        context.getLogger("org.eclipse.jgit.internal.storage.file.RefDirectory").error(vanished.getMessage(), vanished);
        assertThat(seen.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "/data/jgit.config (Permission denied)", "timestamp resolution of /data is larger than expected",
                probe + " (No such file or directory)");
    }

    @Test
    void aPackTheClientGotWrongIsOneInfoLineNotAWarningWithAStackTrace() {
        LoggerContext context = new LoggerContext();
        new ConsoleLogConfigurator(name -> false).configure(context);
        ListAppender<ILoggingEvent> seen = new ListAppender<>();
        seen.start();
        context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(seen);
        org.slf4j.Logger jetty = context.getLogger("org.eclipse.jetty.server.handler.ContextHandler.ROOT");
        String what = "Internal error during receive-pack to /data/repos/iso/pi.git";
        // what JGit's ReceivePackServlet logged for a device's pack naming a commit of another repository
        jetty.warn(what, new org.eclipse.jgit.errors.MissingObjectException(
                org.eclipse.jgit.lib.ObjectId.fromString("8cfb555e9b5ad84f206d7d7eb6234b65e8350f18"), "commit"));
        jetty.warn(what, new java.io.IOException("wrapped", new org.eclipse.jgit.errors.TooLargePackException(10)));
        IllegalStateException ours = new IllegalStateException("a bug of ours");
        jetty.warn(what, ours);
        jetty.warn("something else", new org.eclipse.jgit.errors.CorruptObjectException("bad"));
        assertThat(seen.list).extracting(ILoggingEvent::getLevel, ILoggingEvent::getLoggerName).containsExactly(
                org.assertj.core.groups.Tuple.tuple(Level.INFO, RefusedPackNoise.REFUSED),
                org.assertj.core.groups.Tuple.tuple(Level.INFO, RefusedPackNoise.REFUSED),
                org.assertj.core.groups.Tuple.tuple(Level.WARN, "org.eclipse.jetty.server.handler.ContextHandler.ROOT"),
                org.assertj.core.groups.Tuple.tuple(Level.WARN, "org.eclipse.jetty.server.handler.ContextHandler.ROOT"));
        assertThat(seen.list.get(0).getFormattedMessage()).isEqualTo("push refused (to /data/repos/iso/pi.git):"
                + " org.eclipse.jgit.errors.MissingObjectException: Missing commit 8cfb555e9b5ad84f206d7d7eb6234b65e8350f18");
        assertThat(seen.list.get(0).getThrowableProxy()).isNull();
        assertThat(seen.list.get(2).getThrowableProxy().getMessage()).isEqualTo("a bug of ours");
    }

    @Test
    void theAdminCommandsLogToStandardErrorSoTheirStandardOutputIsTheirAnswer() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // as the real context has
        new ConsoleLogConfigurator(name -> false).configure(context);
        java.io.PrintStream out = System.out;
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream stdout = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
        try {
            System.setOut(new java.io.PrintStream(stdout, true));
            System.setErr(new java.io.PrintStream(stderr, true));
            ConsoleLogConfigurator.toStandardError(context);
            context.getLogger("org.eclipse.jgit.util.FS").error("a library's error");
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        ConsoleAppender<?> console = (ConsoleAppender<?>) context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console");
        assertThat(console.getTarget()).isEqualTo("System.err");
        assertThat(console.isStarted()).isTrue();
        assertThat(stdout.toString()).isEmpty();
        assertThat(stderr.toString()).contains("ERROR").contains("a library's error");
    }

    @Test
    void stepsAsideForAConfigurationFile() {
        for (String file : Set.of("logback.xml", "logback-test.xml")) {
            LoggerContext context = new LoggerContext();
            assertThat(new ConsoleLogConfigurator(file::equals).configure(context))
                    .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console")).isNull();
        }
    }
}
