package dev.flowstage.storage;

/** A name outside the allow-list; the API answers 422 with its message. */
public final class InvalidNameException extends IllegalArgumentException {
    public InvalidNameException(String message) {
        super(message);
    }
}
