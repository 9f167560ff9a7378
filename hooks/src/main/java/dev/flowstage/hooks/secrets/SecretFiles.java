package dev.flowstage.hooks.secrets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaJson;
import dev.flowstage.storage.secret.SecretBox;
import java.util.regex.Pattern;

/**
 * Reads and writes {@code secrets/PATH.json} in {@code _config.git}: {@code {"sealedValue": "v1:…",
 * "updatedAt": "…"}}. A path is one or more segments of lower-case letters, digits, '.', '_' and '-'
 * separated by '/', at most 200 characters; the value is never in plain text there.
 */
public final class SecretFiles {
    public static final String FOLDER = "secrets/";
    public static final String REFERENCE_PREFIX = "secret:";
    private static final String EXT = ".json";
    private static final Pattern PATH = Pattern.compile("(?=.{1,200}$)[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*");

    private SecretFiles() {}

    public static boolean isValidPath(String path) {
        return path != null && PATH.matcher(path).matches() && !path.contains("..") && !path.endsWith(".json");
    }

    /** @throws MetaInvalidException naming the rule when {@code path} cannot name a secret */
    public static String requirePath(String path) {
        if (!isValidPath(path)) {
            throw new MetaInvalidException("'" + path + "' is not a valid secret path: use 1-200 lower-case letters,"
                    + " digits, '.', '_' and '-' in segments separated by '/' (not ending in .json)");
        }
        return path;
    }

    public static String file(String path) {
        return FOLDER + path + EXT;
    }

    /** The secret path of a file under {@link #FOLDER}, or null when {@code file} is not one. */
    public static String pathOf(String file) {
        if (!file.startsWith(FOLDER) || !file.endsWith(EXT)) {
            return null;
        }
        return file.substring(FOLDER.length(), file.length() - EXT.length());
    }

    /** @throws MetaInvalidException naming the file when it is not a secret sealed by this server */
    public static TeamSecret parse(String file, byte[] content, SecretBox box) {
        String path = pathOf(file);
        if (path == null || !isValidPath(path)) {
            throw new MetaInvalidException(file + ": not a valid secret path (lower-case letters, digits, '.', '_', '-'"
                    + " in segments separated by '/')");
        }
        ObjectNode n = MetaJson.readObject(file, content);
        if (n.has("value")) {
            throw new MetaInvalidException(file + ": 'value' must not be kept in plain text; set secrets through the API,"
                    + " which stores them sealed");
        }
        String sealed = MetaJson.requiredText(file, n, "sealedValue");
        try {
            box.open(sealed);
        } catch (IllegalArgumentException e) {
            throw new MetaInvalidException(file + ": 'sealedValue' is not a value sealed by this server;"
                    + " set secrets through the API");
        }
        return new TeamSecret(path, sealed, MetaJson.instant(file, n, "updatedAt"));
    }

    public static byte[] format(TeamSecret s) {
        ObjectNode n = MetaJson.object();
        n.put("sealedValue", s.sealedValue());
        MetaJson.put(n, "updatedAt", s.updatedAt());
        return MetaJson.write(n);
    }

    /** Whether {@code value} is a reference {@code secret:PATH} (the path itself is checked by {@link #referencedPath}). */
    public static boolean isReference(String value) {
        return value != null && value.startsWith(REFERENCE_PREFIX);
    }

    /**
     * The path a reference names. @throws MetaInvalidException naming {@code field} when {@code value} is no
     * reference (a credential given in plain text) or names no valid path
     */
    public static String referencedPath(String field, String value) {
        if (!isReference(value)) {
            throw new MetaInvalidException("'" + field + "' must be a secret reference 'secret:PATH' (store the value"
                    + " with PUT /api/v1/teams/TEAM/secrets/PATH first); credentials are never kept in plain text");
        }
        String path = value.substring(REFERENCE_PREFIX.length());
        if (!isValidPath(path)) {
            throw new MetaInvalidException("'" + field + "': '" + path + "' is not a valid secret path");
        }
        return path;
    }
}
