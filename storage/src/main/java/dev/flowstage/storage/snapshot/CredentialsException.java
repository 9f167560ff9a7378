package dev.flowstage.storage.snapshot;

/** flows_cred.json could not be read or decrypted; the message never contains a secret or a credential. */
public final class CredentialsException extends RuntimeException {
    /** Why: the caller maps these to different answers (a wrong secret is the user's to fix). */
    public enum Reason {
        /** The file decrypts to something that is not JSON: the credential secret is not the one it was written with. */
        WRONG_SECRET,
        /** The file is encrypted but no credential secret was given. */
        NO_SECRET,
        /** The file is not JSON, not an object, or its "$" value is not hex IV + base64. */
        MALFORMED
    }

    private final Reason reason;

    public CredentialsException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
