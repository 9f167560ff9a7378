package dev.flowstage.storage.meta;

/** The change is well-formed but not acceptable (unknown application, bad role, ...); the API answers 422. */
public final class MetaInvalidException extends RuntimeException {
    public MetaInvalidException(String message) {
        super(message);
    }
}
