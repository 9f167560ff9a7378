package dev.flowstage.storage.meta;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The site repository parsed once per commit, with the lookups authentication needs as indexes. */
final class SiteState {
    static final SiteState EMPTY = parse(Map.of());

    private final Map<String, User> users;
    private final Map<String, DeviceCredentials> devices;
    private final List<String> teams;
    private final Map<String, TokenOwner> tokens;
    private final Map<String, KeyOwner> keys;

    private SiteState(Map<String, User> users, Map<String, DeviceCredentials> devices, List<String> teams,
                      Map<String, TokenOwner> tokens, Map<String, KeyOwner> keys) {
        this.users = Collections.unmodifiableMap(users);
        this.devices = Collections.unmodifiableMap(devices);
        this.teams = List.copyOf(teams);
        this.tokens = Collections.unmodifiableMap(tokens);
        this.keys = Collections.unmodifiableMap(keys);
    }

    static SiteState parse(Map<String, byte[]> files) {
        Map<String, User> users = new TreeMap<>();
        Map<String, DeviceCredentials> devices = new TreeMap<>();
        List<String> teams = new java.util.ArrayList<>();
        Map<String, TokenOwner> tokens = new TreeMap<>();
        Map<String, KeyOwner> keys = new TreeMap<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String path = f.getKey();
            if (!path.endsWith(SiteJson.EXT)) {
                continue;
            }
            if (path.startsWith(SiteJson.USERS)) {
                User u = SiteJson.readUser(path, f.getValue());
                users.put(u.name(), u);
                for (AccessToken t : u.tokens()) {
                    tokens.put(t.hash(), new TokenOwner(KeyOwner.user(u.name()), t));
                }
                for (SshKey k : u.keys()) {
                    keys.put(k.fingerprint(), KeyOwner.user(u.name()));
                }
            } else if (path.startsWith(SiteJson.DEVICES)) {
                DeviceCredentials d = SiteJson.readDevice(path, f.getValue());
                devices.put(deviceKey(d.team(), d.device()), d);
                KeyOwner owner = KeyOwner.device(d.team(), d.device());
                if (d.tokenHash() != null) {
                    tokens.put(d.tokenHash(), new TokenOwner(owner, null));
                }
                for (SshKey k : d.keys()) {
                    keys.put(k.fingerprint(), owner);
                }
            } else if (path.startsWith(SiteJson.TEAMS)) {
                teams.add(path.substring(SiteJson.TEAMS.length(), path.length() - SiteJson.EXT.length()));
            }
        }
        Collections.sort(teams);
        return new SiteState(users, devices, teams, tokens, keys);
    }

    static String deviceKey(String team, String device) {
        return team + "/" + device;
    }

    Optional<User> user(String name) {
        return Optional.ofNullable(users.get(name));
    }

    List<User> users() {
        return List.copyOf(users.values());
    }

    Optional<DeviceCredentials> device(String team, String device) {
        return Optional.ofNullable(devices.get(deviceKey(team, device)));
    }

    List<String> teams() {
        return teams;
    }

    boolean hasTeam(String team) {
        return Collections.binarySearch(teams, team) >= 0;
    }

    Optional<TokenOwner> token(String hash) {
        return Optional.ofNullable(tokens.get(hash));
    }

    Optional<KeyOwner> key(String fingerprint) {
        return Optional.ofNullable(keys.get(fingerprint));
    }
}
