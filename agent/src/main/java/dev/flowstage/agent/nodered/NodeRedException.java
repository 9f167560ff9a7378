package dev.flowstage.agent.nodered;

import dev.flowstage.agent.AgentException;

/**
 * The local Node-RED could not be reached or refused a request. {@link #status()} is its HTTP status, or 0
 * when it did not answer; a status of 400 or 409 on a deploy means Node-RED rejected the flows.
 */
public final class NodeRedException extends AgentException {
    private final int status;

    public NodeRedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** Whether Node-RED answered at all. */
    public boolean answered() {
        return status != 0;
    }

    /** Whether Node-RED refused the request itself (4xx): sending the same again gets the same answer. */
    public boolean refused() {
        return status >= 400 && status < 500;
    }
}
