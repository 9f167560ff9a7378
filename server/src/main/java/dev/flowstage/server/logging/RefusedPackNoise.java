package dev.flowstage.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.eclipse.jgit.errors.CorruptObjectException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.PackProtocolException;
import org.eclipse.jgit.errors.TooLargeObjectInPackException;
import org.eclipse.jgit.errors.TooLargePackException;
import org.slf4j.Marker;

/**
 * Turns JGit's "Internal error during receive-pack" WARN with a stack trace, which its HTTP servlet writes
 * for every pack a client sent that could not be stored, into one INFO line when the client caused it: a
 * pack naming objects the repository cannot read (a device pointing its branch at another repository's
 * commit), a corrupt or too large pack or object, a broken protocol. The client already got the reason in
 * the push's status report; the server's log gets one line instead of fifty, so a client cannot fill the
 * log with stack traces. Over SSH the same refusals were one line already. Any other cause passes as it is.
 */
final class RefusedPackNoise extends TurboFilter {
    static final String MESSAGE = "Internal error during receive-pack";
    static final String REFUSED = "dev.flowstage.web.git.RefusedPush";

    @Override
    public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
        if (logger == null || !logger.getName().startsWith("org.eclipse.jetty") || format == null
                || !format.startsWith(MESSAGE) || t == null) {
            return FilterReply.NEUTRAL;
        }
        Throwable cause = clientCause(t);
        if (cause == null) {
            return FilterReply.NEUTRAL;
        }
        logger.getLoggerContext().getLogger(REFUSED).info("push refused ({}): {}", format.substring(MESSAGE.length()).strip(), cause.toString());
        return FilterReply.DENY;
    }

    private static Throwable clientCause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof MissingObjectException || c instanceof CorruptObjectException
                    || c instanceof TooLargeObjectInPackException || c instanceof TooLargePackException
                    || c instanceof PackProtocolException) {
                return c;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return null;
    }
}
