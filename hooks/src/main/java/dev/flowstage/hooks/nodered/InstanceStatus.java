package dev.flowstage.hooks.nodered;

import java.time.Instant;

/**
 * What an instance's live Node-RED last did: the outcome ({@code ok|error}) of the last deployment or
 * capture, the commit it was about, the commit last deployed successfully, when, and why it failed.
 *
 * @param operation {@code deploy} or {@code capture}
 * @param commit the commit the operation was about (null when it failed before one was known)
 * @param deployedCommit the last commit Node-RED is known to run (null when none yet)
 * @param message why it failed; null when ok
 */
public record InstanceStatus(String state, String operation, String commit, String deployedCommit, Instant time,
                             String message) {
    public static final String OK = "ok";
    public static final String ERROR = "error";
    public static final String DEPLOY = "deploy";
    public static final String CAPTURE = "capture";

    public boolean ok() {
        return OK.equals(state);
    }

    static InstanceStatus succeeded(String operation, String commit, Instant time) {
        return new InstanceStatus(OK, operation, commit, commit, time, null);
    }

    /** A failure; Node-RED still runs {@code previous}'s deployed commit. */
    static InstanceStatus failed(String operation, String commit, InstanceStatus previous, Instant time, String why) {
        return new InstanceStatus(ERROR, operation, commit, previous == null ? null : previous.deployedCommit(), time, why);
    }
}
