package dev.flowstage.storage.meta;

/** The named entity does not exist; the API answers 404. */
public final class MetaNotFoundException extends RuntimeException {
    public MetaNotFoundException(String message) {
        super(message);
    }
}
