package dev.flowstage.server.admin;

/** A refusal of an admin command, told to the user in one line. */
public final class AdminException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AdminException(String message) {
        super(message);
    }
}
