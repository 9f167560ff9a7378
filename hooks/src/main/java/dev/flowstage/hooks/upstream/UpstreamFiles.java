package dev.flowstage.hooks.upstream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.remote.CaCertificate;
import dev.flowstage.hooks.remote.RemoteProtocol;
import dev.flowstage.hooks.remote.RemoteUrl;
import dev.flowstage.hooks.secrets.IntegrationFiles;
import dev.flowstage.hooks.secrets.TeamSecrets;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaJson;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TeamConfig;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Repository;

/**
 * Reads, writes and checks {@code upstream/INSTANCE.json} in {@code _config.git}, with the rules the API and
 * a push of the configuration share: the URL matches the protocol, the interval is at least 120 s, every
 * credential is a reference to an existing secret (never plain text), ssh pins a host key.
 */
public final class UpstreamFiles {
    public static final String FOLDER = "upstream/";
    private static final String EXT = ".json";

    private UpstreamFiles() {}

    public static String file(String instance) {
        return FOLDER + instance + EXT;
    }

    public static String instanceOf(String file) {
        if (!file.startsWith(FOLDER) || !file.endsWith(EXT) || file.indexOf('/', FOLDER.length()) >= 0) {
            return null;
        }
        return file.substring(FOLDER.length(), file.length() - EXT.length());
    }

    /** Parses without checking references (see {@link #check}). @throws MetaInvalidException naming the problem */
    public static UpstreamConfig parse(String where, String instance, JsonNode n) {
        if (!(n instanceof ObjectNode)) {
            throw new MetaInvalidException(where + "the upstream configuration must be a JSON object");
        }
        RemoteProtocol protocol = RemoteProtocol.parse(n.path("protocol").asText(null));
        if (protocol == null) {
            throw new MetaInvalidException(where + "'protocol' must be https or ssh");
        }
        String url = text(where, n, "url", true);
        String branch = text(where, n, "branch", true);
        if (!Repository.isValidRefName(Constants.R_HEADS + branch)) {
            throw new MetaInvalidException(where + "'branch' is not a valid branch name");
        }
        String path = text(where, n, "path", false);
        if (path != null && (path.contains("..") || path.contains("\\") || path.startsWith("/"))) {
            throw new MetaInvalidException(where + "'path' must be a relative path inside the repository");
        }
        JsonNode interval = n.get("intervalSeconds");
        if (interval == null || !interval.canConvertToInt()) {
            throw new MetaInvalidException(where + "'intervalSeconds' is required: a whole number of seconds, at least "
                    + UpstreamConfig.MIN_INTERVAL_SECONDS);
        }
        int seconds = interval.asInt();
        if (seconds < UpstreamConfig.MIN_INTERVAL_SECONDS || seconds > UpstreamConfig.MAX_INTERVAL_SECONDS) {
            throw new MetaInvalidException(where + "'intervalSeconds' must be at least " + UpstreamConfig.MIN_INTERVAL_SECONDS
                    + " (and at most " + UpstreamConfig.MAX_INTERVAL_SECONDS + "); got " + seconds);
        }
        UpstreamConfig.Auth auth = null;
        JsonNode a = n.get("auth");
        if (a != null && !a.isNull()) {
            if (!a.isObject()) {
                throw new MetaInvalidException(where + "'auth' must be an object");
            }
            auth = new UpstreamConfig.Auth(text(where, a, "username", false), text(where, a, "password", false),
                    text(where, a, "key", false), text(where, a, "passphrase", false));
        }
        return new UpstreamConfig(instance, url, protocol, branch, path == null || path.isBlank() ? null : path, seconds,
                auth, text(where, n, "integration", false), text(where, n, "caCert", false),
                text(where, n, "knownHosts", false), n.path("active").asBoolean(false),
                text(where, n, "sealedHookSecret", false), null);
    }

    /**
     * Checks {@code c} against the team's configuration and the outbound policy.
     * @throws MetaInvalidException naming the field and the problem (a missing secret is named)
     */
    public static void check(String where, UpstreamConfig c, TeamConfig team, AddressPolicy policy) {
        Target t = team.targets().get(c.instance());
        if (t == null || t.kind() != TargetKind.INSTANCE) {
            throw new MetaInvalidException(where + "instance '" + c.instance() + "' does not exist");
        }
        try {
            RemoteUrl.parse(c.url(), c.protocol(), policy);
            UpstreamConfig.Auth a = c.auth();
            if (c.protocol() == RemoteProtocol.HTTPS) {
                if (a != null && (a.key() != null || a.passphrase() != null)) {
                    throw new MetaInvalidException("'auth' of an https remote takes 'username' and 'password'");
                }
                if (a != null && !a.isEmpty()) {
                    if (a.password() == null) {
                        throw new MetaInvalidException("'auth.password' is required with 'auth.username'");
                    }
                    if (a.username() != null) {
                        TeamSecrets.requireExisting(team, "auth.username", a.username());
                    }
                    TeamSecrets.requireExisting(team, "auth.password", a.password());
                }
                if (c.knownHosts() != null) {
                    throw new MetaInvalidException("'knownHosts' is for ssh remotes only");
                }
            } else {
                if (a == null || a.key() == null) {
                    throw new MetaInvalidException("'auth.key' is required for ssh: a reference to the secret holding the"
                            + " private key");
                }
                if (a.username() != null || a.password() != null) {
                    throw new MetaInvalidException("'auth' of an ssh remote takes 'key' and 'passphrase'");
                }
                TeamSecrets.requireExisting(team, "auth.key", a.key());
                if (a.passphrase() != null) {
                    TeamSecrets.requireExisting(team, "auth.passphrase", a.passphrase());
                }
                if (c.knownHosts() == null || c.knownHosts().isBlank()) {
                    throw new MetaInvalidException("'knownHosts' is required for ssh: the server's known_hosts line"
                            + " (as ssh-keyscan prints it), so its host key can be checked");
                }
                if (c.integration() != null || c.caCert() != null) {
                    throw new MetaInvalidException("'integration' and 'caCert' are for https remotes only");
                }
            }
            if (c.integration() != null) {
                if (a != null && !a.isEmpty()) {
                    throw new MetaInvalidException("give either 'auth' or 'integration', not both");
                }
                if (!Names.isValid(c.integration()) || !team.extraFiles().containsKey(IntegrationFiles.file(c.integration()))) {
                    throw new MetaInvalidException("'integration' refers to integration '" + c.integration()
                            + "', which does not exist");
                }
            }
            if (c.caCert() != null) {
                CaCertificate.parse("caCert", c.caCert());
            }
        } catch (MetaInvalidException e) {
            throw where.isEmpty() ? e : new MetaInvalidException(where + e.getMessage());
        }
    }

    public static byte[] format(UpstreamConfig c) {
        ObjectNode n = MetaJson.object();
        n.put("url", c.url());
        n.put("protocol", c.protocol().json());
        n.put("branch", c.branch());
        MetaJson.put(n, "path", c.path());
        n.put("intervalSeconds", c.intervalSeconds());
        if (c.auth() != null && !c.auth().isEmpty()) {
            ObjectNode a = n.putObject("auth");
            MetaJson.put(a, "username", c.auth().username());
            MetaJson.put(a, "password", c.auth().password());
            MetaJson.put(a, "key", c.auth().key());
            MetaJson.put(a, "passphrase", c.auth().passphrase());
        }
        MetaJson.put(n, "integration", c.integration());
        MetaJson.put(n, "caCert", c.caCert());
        MetaJson.put(n, "knownHosts", c.knownHosts());
        n.put("active", c.active());
        MetaJson.put(n, "sealedHookSecret", c.sealedHookSecret());
        return MetaJson.write(n);
    }

    private static String text(String where, JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new MetaInvalidException(where + "'" + field + "' is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new MetaInvalidException(where + "'" + field + "' must be a string");
        }
        return v.asText();
    }
}
