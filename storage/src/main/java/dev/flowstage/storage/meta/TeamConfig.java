package dev.flowstage.storage.meta;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One team's configuration as read from {@code _config.git}: members, applications and targets.
 * {@code extraFiles} holds files this version does not interpret (pipelines, webhooks, ...) so that
 * an edit keeps them. Immutable; the {@code with*} methods return changed copies.
 */
public record TeamConfig(String name, Instant createdAt, Map<String, Role> members,
                         Map<String, Application> applications, Map<String, Target> targets,
                         Map<String, byte[]> extraFiles) {
    public TeamConfig {
        members = Collections.unmodifiableMap(new TreeMap<>(members));
        applications = Collections.unmodifiableMap(new TreeMap<>(applications));
        targets = Collections.unmodifiableMap(new TreeMap<>(targets));
        extraFiles = Collections.unmodifiableMap(new TreeMap<>(extraFiles));
    }

    public Role role(String user) {
        return members.get(user);
    }

    public TeamConfig withMember(String user, Role role) {
        Map<String, Role> m = new LinkedHashMap<>(members);
        if (role == null) {
            m.remove(user);
        } else {
            m.put(user, role);
        }
        return new TeamConfig(name, createdAt, m, applications, targets, extraFiles);
    }

    public TeamConfig withApplication(String appName, Application app) {
        Map<String, Application> m = new LinkedHashMap<>(applications);
        if (app == null) {
            m.remove(appName);
        } else {
            m.put(appName, app);
        }
        return new TeamConfig(name, createdAt, members, m, targets, extraFiles);
    }

    public TeamConfig withTarget(String targetName, Target target) {
        Map<String, Target> m = new LinkedHashMap<>(targets);
        if (target == null) {
            m.remove(targetName);
        } else {
            m.put(targetName, target);
        }
        return new TeamConfig(name, createdAt, members, applications, m, extraFiles);
    }

    public TeamConfig withExtraFile(String path, byte[] content) {
        Map<String, byte[]> m = new LinkedHashMap<>(extraFiles);
        if (content == null) {
            m.remove(path);
        } else {
            m.put(path, content);
        }
        return new TeamConfig(name, createdAt, members, applications, targets, m);
    }
}
