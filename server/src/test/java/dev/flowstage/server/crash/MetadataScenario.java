package dev.flowstage.server.crash;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.server.testing.ApiClient;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Metadata writes through the API: each round creates an application, an instance of it (a commit in
 * {@code _config.git} and a new repository) and a token (a commit in {@code site.git}).
 */
final class MetadataScenario implements Scenario {
    private static final String BASE = "/api/v1/teams/" + CrashRig.TEAM;
    private final Set<String> applications = ConcurrentHashMap.newKeySet();
    private final Set<String> instances = ConcurrentHashMap.newKeySet();
    /** Token name → token, for tokens acknowledged since the last check. */
    private final Map<String, String> newTokens = new ConcurrentHashMap<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private int next;

    @Override
    public void setup(CrashRig rig) {
        rig.admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"" + CrashRig.TEAM + "\"}");
    }

    @Override
    public void round(CrashRig rig, int mode) {
        for (int i = 0; i < 3; i++) {
            int n = ++next;
            if (created(rig, BASE + "/applications", "{\"name\":\"app-" + n + "\"}") != null) {
                applications.add("app-" + n);
                if (created(rig, BASE + "/instances", "{\"name\":\"inst-" + n + "\",\"application\":\"app-" + n + "\"}")
                        != null) {
                    instances.add("inst-" + n);
                }
            }
            ApiClient.Response token = created(rig, "/api/v1/tokens", "{\"name\":\"tok-" + n + "\",\"scope\":\"read\"}");
            if (token != null) {
                newTokens.put("tok-" + n, token.json().path("token").asText());
                tokens.add("tok-" + n);
            }
        }
    }

    private static ApiClient.Response created(CrashRig rig, String path, String body) {
        ApiClient.Response r = rig.call(201, "POST", path, body);
        return r != null && r.status() == 201 ? r : null;
    }

    @Override
    public List<String> verify(CrashRig rig) {
        List<String> problems = new ArrayList<>();
        missing(problems, "application", applications, names(rig.listAll(BASE + "/applications")));
        Set<String> listed = names(rig.listAll(BASE + "/instances"));
        missing(problems, "instance", instances, listed);
        for (String instance : listed) {
            if (!Files.isRegularFile(rig.repo(instance).resolve("HEAD"))) {
                problems.add("instance " + instance + " is in the configuration but has no repository");
            }
        }
        missing(problems, "token", tokens, names(rig.listAll("/api/v1/tokens")));
        newTokens.forEach((name, token) -> {
            int status = ApiClient.bearer(rig.httpBase(), token).get("/api/v1/user").status();
            if (status != 200) {
                problems.add("acknowledged token " + name + " no longer signs in (GET /api/v1/user answered " + status + ")");
            }
        });
        newTokens.clear();
        return problems;
    }

    private static Set<String> names(List<JsonNode> items) {
        Set<String> names = new HashSet<>();
        items.forEach(i -> names.add(i.path("name").asText()));
        return names;
    }

    private static void missing(List<String> problems, String kind, Set<String> acknowledged, Set<String> present) {
        for (String name : acknowledged) {
            if (!present.contains(name)) {
                problems.add(kind + " " + name + " was acknowledged (201) but is gone after the restart");
            }
        }
    }
}
