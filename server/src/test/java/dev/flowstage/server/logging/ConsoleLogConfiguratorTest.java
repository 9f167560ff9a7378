package dev.flowstage.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
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
    void stepsAsideForAConfigurationFile() {
        for (String file : Set.of("logback.xml", "logback-test.xml")) {
            LoggerContext context = new LoggerContext();
            assertThat(new ConsoleLogConfigurator(file::equals).configure(context))
                    .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("console")).isNull();
        }
    }
}
