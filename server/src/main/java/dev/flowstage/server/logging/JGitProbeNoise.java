package dev.flowstage.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.io.File;
import java.io.IOException;
import org.slf4j.Marker;

/**
 * Drops JGit's error about its own timestamp probe file vanishing. JGit measures the file system's
 * timestamp resolution in the background (for a few seconds, writing and reading a
 * {@code .probe-UUID} file in the repository directory, the file registered with
 * {@code deleteOnExit}). A process that ends during the measurement — an {@code admin} command, a
 * start that cannot bind its port — deletes the probe at exit while the measuring thread still reads
 * it, and JGit logs an ERROR with a stack trace ({@code FS$FileStoreAttributes.measureMinimalRacyInterval}).
 * On the console that landed on standard output after {@code admin reset-password}'s password line,
 * so a script (and AdminPasswordIT) read the log lines as part of the password. Nothing failed: the
 * measurement is simply repeated by the next process. Every other message of that logger passes.
 */
final class JGitProbeNoise extends TurboFilter {
    static final String LOGGER = "org.eclipse.jgit.util.FS";
    private static final String PROBE = File.separator + ".probe-";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (logger != null && LOGGER.equals(logger.getName()) && t instanceof IOException
                && t.getMessage() != null && t.getMessage().contains(PROBE)) {
            return FilterReply.DENY;
        }
        return FilterReply.NEUTRAL;
    }
}
