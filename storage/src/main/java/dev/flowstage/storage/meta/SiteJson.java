package dev.flowstage.storage.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The JSON form of the site repository's files: users, device credentials and team registrations. */
final class SiteJson {
    static final String USERS = "users/";
    static final String DEVICES = "devices/";
    static final String TEAMS = "teams/";
    static final String EXT = ".json";

    private SiteJson() {}

    static String userPath(String name) {
        return USERS + name + EXT;
    }

    static String devicePath(String team, String device) {
        return DEVICES + team + "/" + device + EXT;
    }

    static String teamPath(String team) {
        return TEAMS + team + EXT;
    }

    static byte[] writeUser(User u) {
        ObjectNode n = MetaJson.object();
        n.put("name", u.name());
        MetaJson.put(n, "passwordHash", u.passwordHash());
        n.put("admin", u.admin());
        MetaJson.put(n, "createdAt", u.createdAt());
        n.set("keys", keys(u.keys()));
        ArrayNode tokens = n.putArray("tokens");
        for (AccessToken t : u.tokens()) {
            ObjectNode tn = tokens.addObject();
            tn.put("name", t.name());
            tn.put("hash", t.hash());
            tn.put("scope", t.scope().json());
            MetaJson.put(tn, "createdAt", t.createdAt());
            MetaJson.put(tn, "expiresAt", t.expiresAt());
        }
        return MetaJson.write(n);
    }

    static User readUser(String path, byte[] content) {
        ObjectNode n = MetaJson.readObject(path, content);
        List<AccessToken> tokens = new ArrayList<>();
        for (JsonNode tn : array(path, n, "tokens")) {
            tokens.add(new AccessToken(MetaJson.requiredText(path, tn, "name"), MetaJson.requiredText(path, tn, "hash"),
                    TokenScope.parse(MetaJson.text(path, tn, "scope")), MetaJson.instant(path, tn, "createdAt"),
                    MetaJson.instant(path, tn, "expiresAt")));
        }
        return new User(MetaJson.requiredText(path, n, "name"), MetaJson.text(path, n, "passwordHash"),
                MetaJson.bool(path, n, "admin"), MetaJson.instant(path, n, "createdAt"), readKeys(path, n), tokens);
    }

    static byte[] writeDevice(DeviceCredentials d) {
        ObjectNode n = MetaJson.object();
        n.put("team", d.team());
        n.put("device", d.device());
        MetaJson.put(n, "tokenHash", d.tokenHash());
        n.set("keys", keys(d.keys()));
        return MetaJson.write(n);
    }

    static DeviceCredentials readDevice(String path, byte[] content) {
        ObjectNode n = MetaJson.readObject(path, content);
        return new DeviceCredentials(MetaJson.requiredText(path, n, "team"), MetaJson.requiredText(path, n, "device"),
                MetaJson.text(path, n, "tokenHash"), readKeys(path, n));
    }

    static byte[] writeTeam(String team, Instant createdAt) {
        ObjectNode n = MetaJson.object();
        n.put("name", team);
        MetaJson.put(n, "createdAt", createdAt);
        return MetaJson.write(n);
    }

    private static ArrayNode keys(List<SshKey> keys) {
        ArrayNode arr = MetaJson.MAPPER.createArrayNode();
        for (SshKey k : keys) {
            ObjectNode kn = arr.addObject();
            kn.put("title", k.title());
            kn.put("fingerprint", k.fingerprint());
            kn.put("publicKey", k.publicKey());
            MetaJson.put(kn, "createdAt", k.createdAt());
        }
        return arr;
    }

    private static List<SshKey> readKeys(String path, JsonNode n) {
        List<SshKey> keys = new ArrayList<>();
        for (JsonNode kn : array(path, n, "keys")) {
            keys.add(new SshKey(MetaJson.requiredText(path, kn, "title"), MetaJson.requiredText(path, kn, "fingerprint"),
                    MetaJson.requiredText(path, kn, "publicKey"), MetaJson.instant(path, kn, "createdAt")));
        }
        return keys;
    }

    private static Iterable<JsonNode> array(String path, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw new MetaInvalidException(path + ": '" + field + "' must be an array");
        }
        return v;
    }
}
