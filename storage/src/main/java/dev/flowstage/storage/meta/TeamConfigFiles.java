package dev.flowstage.storage.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.Names;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Converts a team's configuration to and from the files of {@code _config.git}. Used for the API's
 * writes and for validating pushes to the repository, so both give the same messages.
 */
public final class TeamConfigFiles {
    public static final String TEAM = "team.json";
    public static final String MEMBERS = "members.json";
    public static final String APPLICATIONS = "applications";
    private static final String EXT = ".json";

    private TeamConfigFiles() {}

    /** Parses and validates the files; @throws MetaInvalidException naming the file and the problem */
    public static TeamConfig parse(String team, Map<String, byte[]> files) {
        byte[] teamJson = files.get(TEAM);
        if (teamJson == null) {
            throw new MetaInvalidException(TEAM + ": missing");
        }
        ObjectNode t = MetaJson.readObject(TEAM, teamJson);
        String name = MetaJson.requiredText(TEAM, t, "name");
        if (!name.equals(team)) {
            throw new MetaInvalidException(TEAM + ": 'name' must be '" + team + "'");
        }
        Instant createdAt = MetaJson.instant(TEAM, t, "createdAt");
        Map<String, Role> members = new TreeMap<>();
        Map<String, Application> apps = new TreeMap<>();
        Map<String, Target> targets = new TreeMap<>();
        Map<String, String> targetFiles = new TreeMap<>();
        Map<String, byte[]> extra = new TreeMap<>();
        // sorted, so that the first problem reported does not depend on the map's order
        for (Map.Entry<String, byte[]> f : new TreeMap<>(files).entrySet()) {
            String path = f.getKey();
            String[] parts = path.split("/");
            if (path.equals(TEAM)) {
                continue;
            } else if (path.equals(MEMBERS)) {
                members.putAll(readMembers(f.getValue()));
            } else if (parts.length == 2 && parts[1].endsWith(EXT) && isInterpretedFolder(parts[0])) {
                String entity = entityName(path, parts[1]);
                ObjectNode n = MetaJson.readObject(path, f.getValue());
                if (parts[0].equals(APPLICATIONS)) {
                    apps.put(entity, new Application(entity, MetaJson.text(path, n, "description"),
                            MetaJson.instant(path, n, "createdAt")));
                } else {
                    String other = targetFiles.put(entity, path);
                    if (other != null) {
                        throw new MetaInvalidException("target '" + entity + "' is defined twice: " + other + " and " + path
                                + " (instances, devices and groups share one namespace)");
                    }
                    targets.put(entity, readTarget(path, TargetKind.fromPlural(parts[0]), entity, n));
                }
            } else {
                extra.put(path, f.getValue());
            }
        }
        TeamConfig config = new TeamConfig(team, createdAt, members, apps, targets, extra);
        validate(config);
        return config;
    }

    /** The files that represent {@code config}; @throws MetaInvalidException when it is inconsistent */
    public static Map<String, byte[]> format(TeamConfig config) {
        validate(config);
        Map<String, byte[]> files = new TreeMap<>();
        for (Map.Entry<String, byte[]> e : config.extraFiles().entrySet()) {
            if (isInterpreted(e.getKey())) {
                throw new MetaInvalidException("extra file '" + e.getKey() + "' would be read as configuration");
            }
            files.put(e.getKey(), e.getValue());
        }
        ObjectNode t = MetaJson.object();
        t.put("name", config.name());
        MetaJson.put(t, "createdAt", config.createdAt());
        files.put(TEAM, MetaJson.write(t));
        ObjectNode m = MetaJson.object();
        new TreeMap<>(config.members()).forEach((user, role) -> m.put(user, role.json()));
        files.put(MEMBERS, MetaJson.write(m));
        for (Map.Entry<String, Application> e : config.applications().entrySet()) {
            ObjectNode a = MetaJson.object();
            MetaJson.put(a, "description", e.getValue().description());
            MetaJson.put(a, "createdAt", e.getValue().createdAt());
            files.put(APPLICATIONS + "/" + e.getKey() + EXT, MetaJson.write(a));
        }
        for (Map.Entry<String, Target> e : config.targets().entrySet()) {
            Target target = e.getValue();
            files.put(target.kind().plural() + "/" + e.getKey() + EXT, MetaJson.write(writeTarget(target)));
        }
        return files;
    }

    /** True for paths this version interprets (everything else is kept as an extra file). */
    public static boolean isInterpreted(String path) {
        String[] parts = path.split("/");
        return path.equals(TEAM) || path.equals(MEMBERS)
                || (parts.length == 2 && parts[1].endsWith(EXT) && isInterpretedFolder(parts[0]));
    }

    private static boolean isInterpretedFolder(String folder) {
        return folder.equals(APPLICATIONS) || TargetKind.fromPlural(folder) != null;
    }

    private static String entityName(String path, String fileName) {
        String entity = fileName.substring(0, fileName.length() - EXT.length());
        if (!Names.isValid(entity)) {
            throw new MetaInvalidException(path + ": '" + entity
                    + "' is not a valid name (1-63 lower-case letters, digits and '-')");
        }
        return entity;
    }

    private static Map<String, Role> readMembers(byte[] content) {
        ObjectNode n = MetaJson.readObject(MEMBERS, content);
        Map<String, Role> members = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : n.properties()) {
            if (!Names.isValidUser(e.getKey())) {
                throw new MetaInvalidException(MEMBERS + ": '" + e.getKey() + "' is not a valid user name");
            }
            if (!e.getValue().isTextual()) {
                throw new MetaInvalidException(MEMBERS + ": role of '" + e.getKey() + "' must be one of owner, member, viewer");
            }
            try {
                members.put(e.getKey(), Role.parse(e.getValue().asText()));
            } catch (MetaInvalidException bad) {
                throw new MetaInvalidException(MEMBERS + ": role of '" + e.getKey() + "' must be one of owner, member, viewer");
            }
        }
        return members;
    }

    private static Target readTarget(String path, TargetKind kind, String name, ObjectNode n) {
        NodeRedLink nodeRed = null;
        JsonNode nr = n.get("nodeRed");
        if (nr != null && !nr.isNull()) {
            if (!nr.isObject()) {
                throw new MetaInvalidException(path + ": 'nodeRed' must be an object");
            }
            nodeRed = new NodeRedLink(MetaJson.requiredText(path, nr, "url"), MetaJson.text(path, nr, "sealedToken"));
        }
        return new Target(kind, name, MetaJson.text(path, n, "application"), MetaJson.bool(path, n, "protected"),
                nodeRed, MetaJson.text(path, n, "sealedCredentialSecret"), MetaJson.text(path, n, "instance"),
                MetaJson.text(path, n, "group"), MetaJson.instant(path, n, "createdAt"));
    }

    private static ObjectNode writeTarget(Target t) {
        ObjectNode n = MetaJson.object();
        MetaJson.put(n, "application", t.application());
        n.put("protected", t.protectedMain());
        if (t.nodeRed() != null) {
            ObjectNode nr = n.putObject("nodeRed");
            nr.put("url", t.nodeRed().url());
            MetaJson.put(nr, "sealedToken", t.nodeRed().sealedToken());
        }
        MetaJson.put(n, "sealedCredentialSecret", t.sealedCredentialSecret());
        MetaJson.put(n, "instance", t.instance());
        MetaJson.put(n, "group", t.group());
        MetaJson.put(n, "createdAt", t.createdAt());
        return n;
    }

    private static void validate(TeamConfig c) {
        if (!Names.isValid(c.name())) {
            throw new MetaInvalidException("team name '" + c.name() + "' is not valid");
        }
        if (!c.members().containsValue(Role.OWNER)) {
            throw new MetaInvalidException("team '" + c.name() + "' must keep at least one owner");
        }
        for (String user : c.members().keySet()) {
            if (!Names.isValidUser(user)) {
                throw new MetaInvalidException("'" + user + "' is not a valid user name");
            }
        }
        for (Map.Entry<String, Application> e : c.applications().entrySet()) {
            if (!Names.isValid(e.getKey()) || (e.getValue() != null && !e.getKey().equals(e.getValue().name()))) {
                throw new MetaInvalidException("application name '" + e.getKey() + "' is not valid");
            }
        }
        for (Map.Entry<String, Target> e : c.targets().entrySet()) {
            Target t = e.getValue();
            String what = t.kind().json() + " '" + e.getKey() + "'";
            if (!Names.isValid(e.getKey()) || !e.getKey().equals(t.name())) {
                throw new MetaInvalidException(t.kind().json() + " name '" + e.getKey() + "' is not valid");
            }
            if (t.application() != null && !c.applications().containsKey(t.application())) {
                throw new MetaInvalidException(what + " refers to application '" + t.application() + "', which does not exist");
            }
            requireTarget(c, what, t.instance(), TargetKind.INSTANCE);
            requireTarget(c, what, t.group(), TargetKind.GROUP);
        }
    }

    private static void requireTarget(TeamConfig c, String what, String name, TargetKind kind) {
        if (name == null) {
            return;
        }
        Target ref = c.targets().get(name);
        if (ref == null || ref.kind() != kind) {
            throw new MetaInvalidException(what + " refers to " + kind.json() + " '" + name + "', which does not exist");
        }
    }
}
