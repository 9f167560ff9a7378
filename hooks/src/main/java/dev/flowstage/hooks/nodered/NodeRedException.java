package dev.flowstage.hooks.nodered;

/** A Node-RED Admin API call failed; the message says why in a sentence and never contains a token. */
public final class NodeRedException extends RuntimeException {
    /** What went wrong, so callers can answer differently (a missing token is the user's to fix). */
    public enum Reason {
        /** Nothing listens at the URL, or the host is unknown. */
        UNREACHABLE,
        /** The server's outbound policy does not allow the address nodeRed.url leads to. */
        NOT_ALLOWED,
        /** Node-RED did not answer in time. */
        TIMEOUT,
        /** 401: the Admin API needs a token and none or a wrong one was sent. */
        UNAUTHORIZED,
        /** 403: the token lacks the permission. */
        FORBIDDEN,
        /** Node-RED refused the flows (400 and the like). */
        REJECTED,
        /** An answer that is not what the Admin API sends (not JSON, unexpected status). */
        BAD_RESPONSE
    }

    private final Reason reason;

    public NodeRedException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
