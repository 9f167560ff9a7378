package dev.flowstage.hooks.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TeamConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks pipeline definitions against a team's configuration (SPEC §6): shape, names, targets that
 * exist, actions allowed for each stage kind. The API and the {@code _config.git} receive check both
 * use it, so a bad definition gets the same message either way.
 */
public final class PipelineValidator {
    /** Folder of the pipeline files in {@code _config.git}. */
    public static final String FOLDER = "pipelines/";
    private static final String EXT = ".json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private PipelineValidator() {}

    /** Every problem of {@code pipeline} (as JSON) in {@code team}; empty when it is valid. */
    public static List<String> validate(TeamConfig team, JsonNode pipeline) {
        PipelineJson.Parsed parsed = PipelineJson.parse(pipeline);
        if (parsed.pipeline() == null) {
            return parsed.problems();
        }
        return validate(team, parsed.pipeline());
    }

    /** Every problem of {@code p} in {@code team}; empty when it is valid. */
    public static List<String> validate(TeamConfig team, Pipeline p) {
        List<String> problems = new ArrayList<>();
        if (!Names.isValid(p.name())) {
            problems.add("'" + p.name() + "' is not a valid pipeline name (1-63 lower-case letters, digits and '-',"
                    + " starting with a letter or digit)");
        }
        if (p.application() != null && !team.applications().containsKey(p.application())) {
            problems.add("application '" + p.application() + "' does not exist in team " + team.name());
        }
        Set<String> names = new HashSet<>();
        Map<String, String> targetOwner = new HashMap<>();
        List<Stage> stages = p.stages();
        for (int i = 0; i < stages.size(); i++) {
            Stage s = stages.get(i);
            String where = "stage '" + s.name() + "': ";
            if (!Names.isValid(s.name())) {
                problems.add("stage name '" + s.name() + "' is not valid (1-63 lower-case letters, digits and '-')");
            } else if (!names.add(s.name())) {
                problems.add("stage name '" + s.name() + "' is used twice: stages are addressed by name");
            }
            checkTarget(team, p, s, where, problems);
            if (s.target() != null) {
                String first = targetOwner.putIfAbsent(s.kind().json() + ":" + s.target(), s.name());
                if (first != null) {
                    problems.add(where + s.kind().json() + " '" + s.target() + "' is already the target of stage '"
                            + first + "': a target can appear once in a pipeline");
                }
            }
            checkAction(s, i == stages.size() - 1, where, problems);
            if (s.deployToDevices() && s.kind() != StageKind.INSTANCE) {
                problems.add(where + "'deployToDevices' is for instance stages only");
            }
            if (s.rollout() != null && s.kind() != StageKind.GROUP) {
                problems.add(where + "'rollout' is for group stages only");
            }
            if (s.trigger() != null && s.trigger().onPush() && s.kind() == StageKind.GIT) {
                problems.add(where + "'trigger.onPush' watches a target's main: a git stage has none");
            }
        }
        return problems;
    }

    /**
     * The problems of every {@code pipelines/*.json} file of {@code team} (its extra files), each prefixed
     * with the file's path: what a push to {@code _config.git} is checked with.
     */
    public static List<String> validateFiles(TeamConfig team) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : team.extraFiles().entrySet()) {
            String path = f.getKey();
            if (!path.startsWith(FOLDER)) {
                continue;
            }
            String file = path.substring(FOLDER.length());
            if (file.contains("/") || !file.endsWith(EXT)) {
                problems.add(path + ": the pipelines folder holds only NAME.json files");
                continue;
            }
            String name = file.substring(0, file.length() - EXT.length());
            JsonNode json;
            try {
                json = JSON.readTree(f.getValue());
            } catch (IOException e) {
                problems.add(path + ": not valid JSON");
                continue;
            }
            if (json != null && json.isObject() && json.hasNonNull("name") && !name.equals(json.get("name").asText())) {
                problems.add(path + ": 'name' must be '" + name + "', the file's name");
                continue;
            }
            for (String problem : validate(team, json)) {
                problems.add(path + ": " + problem);
            }
        }
        return problems;
    }

    /** The path of pipeline {@code name} in {@code _config.git}. */
    public static String path(String name) {
        return FOLDER + name + EXT;
    }

    private static void checkTarget(TeamConfig team, Pipeline p, Stage s, String where, List<String> problems) {
        if (s.kind() == StageKind.GIT) {
            return;
        }
        Target t = team.targets().get(s.target());
        if (t == null || !t.kind().json().equals(s.kind().json())) {
            String actually = t == null ? "" : " (it is a " + t.kind().json() + ")";
            problems.add(where + s.kind().json() + " '" + s.target() + "' does not exist in team " + team.name()
                    + actually);
        } else if (p.application() != null && t.application() != null && !t.application().equals(p.application())) {
            problems.add(where + s.kind().json() + " '" + s.target() + "' belongs to application '" + t.application()
                    + "', not to the pipeline's application '" + p.application() + "'");
        }
    }

    private static void checkAction(Stage s, boolean last, String where, List<String> problems) {
        List<String> allowed = s.kind().actions();
        if (last) {
            if (s.action() != null) {
                problems.add(where + "is the last stage, so nothing comes after it to deploy to and it takes no"
                        + " action: remove 'action' or add a stage after it");
            }
            return;
        }
        if (s.action() == null) {
            return;
        }
        if (allowed.isEmpty()) {
            problems.add(where + "action '" + s.action() + "' is not allowed for a " + s.kind().json() + " stage ("
                    + (s.kind() == StageKind.GROUP ? "a group stage deploys its current main" : "a git stage deploys"
                    + " the file it pulls") + "): remove 'action'");
        } else if (!allowed.contains(s.action())) {
            problems.add(where + "action '" + s.action() + "' is not allowed for a " + s.kind().json()
                    + " stage: use one of " + String.join(", ", allowed));
        }
    }
}
