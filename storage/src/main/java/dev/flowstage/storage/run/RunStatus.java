package dev.flowstage.storage.run;

import java.util.Locale;

/** The life of a pipeline run; written in JSON in lower case ("awaiting_approval"). */
public enum RunStatus {
    QUEUED, RUNNING, AWAITING_APPROVAL, SUCCEEDED, FAILED, REJECTED, CANCELLED;

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the JSON form; null when {@code s} names no status. */
    public static RunStatus fromJson(String s) {
        for (RunStatus status : values()) {
            if (status.json().equals(s)) {
                return status;
            }
        }
        return null;
    }

    /** Queued, running or awaiting approval: the run still has work ahead (and blocks "forbid"). */
    public boolean isPending() {
        return this == QUEUED || this == RUNNING || this == AWAITING_APPROVAL;
    }

    public boolean isTerminal() {
        return !isPending();
    }
}
