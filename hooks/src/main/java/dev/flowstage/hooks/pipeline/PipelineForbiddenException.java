package dev.flowstage.hooks.pipeline;

/** The actor may not run this deploy (SPEC §4); the API answers 403 with the message. */
public final class PipelineForbiddenException extends RuntimeException {
    public PipelineForbiddenException(String message) {
        super(message);
    }
}
