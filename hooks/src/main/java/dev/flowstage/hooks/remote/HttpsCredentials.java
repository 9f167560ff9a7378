package dev.flowstage.hooks.remote;

import dev.flowstage.hooks.secrets.GitIntegration;

/** Basic credentials for HTTPS Git, as each provider expects a token in them. */
public record HttpsCredentials(String username, String password) {
    /**
     * GitHub takes a token as the password of any user name ({@code x-access-token} by convention); Azure
     * DevOps takes a PAT as the password with any (even empty) user name; other servers take the account's
     * user name and its token as the password, so {@code username} is required there.
     */
    public static HttpsCredentials forProvider(GitIntegration.Provider provider, String username, String token) {
        return switch (provider) {
            case GITHUB -> new HttpsCredentials(username == null ? "x-access-token" : username, token);
            case AZURE -> new HttpsCredentials(username == null ? "pat" : username, token);
            case OTHER -> new HttpsCredentials(username == null ? "git" : username, token);
        };
    }

    @Override
    public String toString() {
        return "HttpsCredentials[" + username + ", ****]";
    }
}
