package dev.flowstage.storage.secret;

/** Seals secrets at rest with AES-256-GCM under the master key in the data dir. */
public interface SecretBox {
    /** Returns an opaque printable string ("v1:" + base64(iv | ciphertext | tag)). */
    String seal(String plaintext);

    /** @throws IllegalArgumentException when the value was not sealed with this key or was altered */
    String open(String sealed);
}
