package dev.flowstage.hooks.remote;

/**
 * An SSH identity (an OpenSSH or PEM private key, encrypted when {@code passphrase} is given) and the pinned
 * host key: one known_hosts line ({@code [HOSTS] TYPE BASE64 [COMMENT]}); the server must present that key.
 */
public record SshCredentials(String privateKey, String passphrase, String knownHostsLine) {
    @Override
    public String toString() {
        return "SshCredentials[****, " + knownHostsLine + "]";
    }
}
