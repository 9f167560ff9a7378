package dev.flowstage.server.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import dev.flowstage.server.config.ConfigException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LogFileTest {
    @TempDir
    Path dir;

    @Test
    void theRollingPolicyIsTheDocumentedOne() {
        Path file = dir.resolve("logs/flowstage.log"); // its directory is created
        try (LogFile log = LogFile.open(file, 9).orElseThrow()) {
            RollingFileAppender<ILoggingEvent> appender = log.appender();
            assertEquals(file.toString(), appender.getFile());
            SizeAndTimeBasedRollingPolicy<?> policy = (SizeAndTimeBasedRollingPolicy<?>) appender.getRollingPolicy();
            assertEquals(dir.resolve("logs/flowstage.%d{yyyy-MM-dd}.%i.log.gz").toString(), policy.getFileNamePattern());
            assertEquals(9, policy.getMaxHistory());
            assertTrue(policy.isCleanHistoryOnStart());
            // logback has no getters for these two; the documentation promises 100 MiB per file, 2 GiB in all
            assertThat(policy).extracting("maxFileSize").isEqualTo(FileSize.valueOf("100MB"));
            assertThat(policy).extracting("totalSizeCap").isEqualTo(FileSize.valueOf("2GB"));
            assertEquals(100L * 1024 * 1024, FileSize.valueOf(LogFile.MAX_FILE_SIZE).getSize());
            assertEquals(2L * 1024 * 1024 * 1024, FileSize.valueOf(LogFile.TOTAL_SIZE_CAP).getSize());
            // serve --help says the same
            assertThat(dev.flowstage.server.config.ConfigOption.LOG_FILE.description())
                    .contains("rolled daily and at 100 MiB").contains("at most 2 GiB in all");
        }
    }

    @Test
    void linesLandInTheFileUntilItIsClosed() throws Exception {
        Path file = dir.resolve("flowstage.log");
        org.slf4j.Logger logger = LoggerFactory.getLogger("dev.flowstage.test.logfile");
        Logger logback = (Logger) logger;
        Level before = logback.getLevel();
        logback.setLevel(Level.INFO); // the tests' logback-test.xml keeps the root at WARN
        try {
            try (LogFile log = LogFile.open(file, 14).orElseThrow()) {
                assertEquals(file, log.file());
                logger.info("first line {}", 1);
            }
            logger.info("after close");
        } finally {
            logback.setLevel(before);
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[[^]]+]"
                + " dev\\.flowstage\\.test\\.logfile - first line 1"), lines.get(0));
    }

    @Test
    void aFileReachingTheSizeCapIsRolledAndGzipped() throws Exception {
        LoggerContext context = new LoggerContext(); // of its own: nothing else logs into it
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        Path file = dir.resolve("small.log");
        RollingFileAppender<ILoggingEvent> appender = LogFile.appender(context, file,
                new LogFile.Limits(FileSize.valueOf("1KB"), 3, FileSize.valueOf("1MB")));
        Logger logger = context.getLogger("roll");
        logger.addAppender(appender);
        for (int i = 0; i < 40; i++) {
            logger.info("line {} {}", i, "x".repeat(60));
        }
        appender.stop(); // waits for the compression
        context.stop();
        Path rolled = dir.resolve("small." + LocalDate.now() + ".0.log.gz");
        assertTrue(Files.isRegularFile(rolled), () -> rolled + " among " + list(dir) + " "
                + context.getStatusManager().getCopyOfStatusList());
        try (InputStream in = new GZIPInputStream(Files.newInputStream(rolled))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains("roll - line 0 ");
        }
        assertThat(Files.size(file)).isLessThan(40 * 60);
    }

    @Test
    void aFileThatCannotBeWrittenIsAClearError() throws Exception {
        Path notADir = Files.writeString(dir.resolve("plain-file"), "x");
        ConfigException e = assertThrows(ConfigException.class, () -> LogFile.open(notADir.resolve("f.log"), 14));
        assertTrue(e.getMessage().startsWith("cannot create the directory of the log file " + notADir.resolve("f.log")),
                e.getMessage());
        Path aDir = Files.createDirectory(dir.resolve("a-directory"));
        ConfigException d = assertThrows(ConfigException.class, () -> LogFile.open(aDir, 14));
        assertTrue(d.getMessage().startsWith("cannot write the log file " + aDir + ": "), d.getMessage());
    }

    private static List<String> list(Path dir) {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            return List.of(e.toString());
        }
    }
}
