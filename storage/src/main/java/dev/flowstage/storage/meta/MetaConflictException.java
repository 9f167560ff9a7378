package dev.flowstage.storage.meta;

/** The change clashes with existing state (duplicate name, ...); the API answers 409. */
public final class MetaConflictException extends RuntimeException {
    public MetaConflictException(String message) {
        super(message);
    }
}
