package dev.flowstage.server.config;

import java.io.IOException;
import java.net.BindException;

/**
 * A listener that could not bind its port, told in one line that names the option to change, e.g.
 * {@code port 8080 is already in use (--http-port); …}. The server prints it instead of a stack trace.
 */
public final class ListenException extends IOException {
    private static final long serialVersionUID = 1L;

    private ListenException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @param what HTTP, HTTPS or SSH; @param option the flag that sets the port */
    public static ListenException of(String what, String host, Port port, String option, Throwable failure) {
        if (inUse(failure)) {
            return new ListenException("port " + port + " is already in use (" + option + "); stop what uses it or "
                    + "choose another port with " + option + " (0 switches " + what + " off)", failure);
        }
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        return new ListenException("cannot listen for " + what + " on " + host + ":" + port + " ("
                + cause.getMessage() + "); choose another port with " + option, failure);
    }

    private static boolean inUse(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException && t.getMessage() != null && t.getMessage().contains("in use")) {
                return true;
            }
        }
        return false;
    }
}
