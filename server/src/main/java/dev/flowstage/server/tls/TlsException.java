package dev.flowstage.server.tls;

/** TLS material that cannot be read, made or used; the message names the file and the problem. */
public final class TlsException extends RuntimeException {
    public TlsException(String message) {
        super(message);
    }

    public TlsException(String message, Throwable cause) {
        super(message, cause);
    }
}
