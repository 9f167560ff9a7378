package dev.flowstage.agent;

/**
 * A failure the user (or the device's operator) can act on: its message is one sentence that names the
 * problem, shown as it is on the console, in the log and in status reports. It never carries a secret.
 */
public class AgentException extends RuntimeException {
    public AgentException(String message) {
        super(message);
    }

    public AgentException(String message, Throwable cause) {
        super(message, cause);
    }
}
