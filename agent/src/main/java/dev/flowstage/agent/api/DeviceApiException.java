package dev.flowstage.agent.api;

import dev.flowstage.agent.AgentException;

/** A failed call to the server's device API; {@link #kind()} tells the loop how to carry on. */
public final class DeviceApiException extends AgentException {
    /** What went wrong, as far as the agent's next step cares. */
    public enum Kind {
        /** Not reachable, timed out, a 5xx: try again later. */
        UNAVAILABLE,
        /** 401: the token was refused (revoked, mistyped). */
        UNAUTHORIZED,
        /** 404: the device (or the endpoint) does not exist. */
        NOT_FOUND,
        /** Any other refusal or an answer that makes no sense. */
        REJECTED
    }

    private final Kind kind;

    public DeviceApiException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
