package dev.flowstage.agent.verify;

import dev.flowstage.agent.AgentException;

/** A commit whose signature does not prove that the provisioned server key signed exactly these bytes. */
public final class SignatureRefusedException extends AgentException {
    public SignatureRefusedException(String message) {
        super(message);
    }
}
