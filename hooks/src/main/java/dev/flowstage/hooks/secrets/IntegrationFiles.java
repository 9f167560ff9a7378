package dev.flowstage.hooks.secrets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.hooks.remote.CaCertificate;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaJson;
import dev.flowstage.storage.secret.SecretBox;

/**
 * Reads and writes {@code integrations/git/NAME.json} in {@code _config.git}: {@code {provider, username?,
 * sealedToken, caCert?, caFingerprint?, createdAt}} — the token sealed, the CA certificate (public) in PEM.
 */
public final class IntegrationFiles {
    public static final String FOLDER = "integrations/git/";
    private static final String EXT = ".json";

    private IntegrationFiles() {}

    public static String file(String name) {
        return FOLDER + name + EXT;
    }

    public static String nameOf(String file) {
        if (!file.startsWith(FOLDER) || !file.endsWith(EXT) || file.indexOf('/', FOLDER.length()) >= 0) {
            return null;
        }
        return file.substring(FOLDER.length(), file.length() - EXT.length());
    }

    /** @throws MetaInvalidException naming the file and the problem */
    public static GitIntegration parse(String file, byte[] content, SecretBox box) {
        String name = nameOf(file);
        if (name == null || !Names.isValid(name)) {
            throw new MetaInvalidException(file + ": the integration name must be 1-63 lower-case letters, digits and '-'");
        }
        ObjectNode n = MetaJson.readObject(file, content);
        if (n.has("token")) {
            throw new MetaInvalidException(file + ": 'token' must not be kept in plain text; add integrations through"
                    + " the API, which stores the token sealed");
        }
        GitIntegration.Provider provider = GitIntegration.Provider.parse(MetaJson.text(file, n, "provider"));
        if (provider == null) {
            throw new MetaInvalidException(file + ": 'provider' must be one of github, azure, other");
        }
        String sealed = MetaJson.requiredText(file, n, "sealedToken");
        try {
            box.open(sealed);
        } catch (IllegalArgumentException e) {
            throw new MetaInvalidException(file + ": 'sealedToken' is not a value sealed by this server;"
                    + " add integrations through the API");
        }
        String pem = MetaJson.text(file, n, "caCert");
        CaCertificate ca = pem == null ? null : CaCertificate.parse(file + ": caCert", pem);
        return new GitIntegration(name, provider, MetaJson.text(file, n, "username"), sealed, ca,
                MetaJson.instant(file, n, "createdAt"));
    }

    public static byte[] format(GitIntegration g) {
        ObjectNode n = MetaJson.object();
        n.put("provider", g.provider().json());
        MetaJson.put(n, "username", g.username());
        n.put("sealedToken", g.sealedToken());
        if (g.ca() != null) {
            n.put("caCert", g.ca().pem());
            n.put("caFingerprint", g.ca().fingerprint());
        }
        MetaJson.put(n, "createdAt", g.createdAt());
        return MetaJson.write(n);
    }
}
