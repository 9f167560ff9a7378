package dev.flowstage.agent.git;

import dev.flowstage.agent.AgentException;

/** A fetch or push that did not complete: nothing of it is used, and the next attempt starts over. */
public final class GitFetchException extends AgentException {
    public GitFetchException(String message) {
        super(message);
    }
}
