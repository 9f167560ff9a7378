package dev.flowstage.hooks.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaJson;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.secret.SecretBox;
import dev.flowstage.storage.secret.Tokens;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Pipeline definitions as {@code pipelines/NAME.json} files of the team's {@code _config.git}: every
 * change is one commit there through {@link TeamStore#edit}, validated against the configuration it is
 * committed on, so a concurrent change to the team cannot slip an invalid pipeline in.
 */
public final class ConfigPipelineStore implements PipelineStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TeamStore teams;
    private final SecretBox secrets;

    public ConfigPipelineStore(TeamStore teams, SecretBox secrets) {
        this.teams = Objects.requireNonNull(teams);
        this.secrets = Objects.requireNonNull(secrets);
    }

    @Override
    public Optional<Pipeline> get(String team, String name) {
        return teams.team(team).flatMap(c -> read(c, name));
    }

    @Override
    public List<Pipeline> list(String team) {
        Optional<TeamConfig> config = teams.team(team);
        if (config.isEmpty()) {
            return List.of();
        }
        List<Pipeline> all = new ArrayList<>();
        for (String path : config.get().extraFiles().keySet()) {
            if (path.startsWith(PipelineValidator.FOLDER) && path.endsWith(".json")) {
                String name = path.substring(PipelineValidator.FOLDER.length(), path.length() - ".json".length());
                read(config.get(), name).ifPresent(all::add);
            }
        }
        return all;
    }

    /** The pipeline in {@code config}; empty when absent. @throws MetaInvalidException when its file is broken */
    public static Optional<Pipeline> read(TeamConfig config, String name) {
        String path = PipelineValidator.path(name);
        byte[] file = config.extraFiles().get(path);
        if (file == null) {
            return Optional.empty();
        }
        JsonNode json;
        try {
            json = JSON.readTree(file);
        } catch (IOException e) {
            throw new MetaInvalidException(path + ": not valid JSON");
        }
        PipelineJson.Parsed parsed = PipelineJson.parse(json);
        if (parsed.pipeline() == null) {
            throw new MetaInvalidException(path + ": " + String.join("; ", parsed.problems()));
        }
        return Optional.of(parsed.pipeline());
    }

    /** Creates the pipeline described by {@code body} with a new webhook secret. @throws MetaConflictException when taken */
    public Pipeline create(String team, String actor, JsonNode body) {
        Pipeline p = parse(body);
        String sealed = secrets.seal(Tokens.newWebhookSecret());
        return write(team, actor, "Create pipeline " + p.name(), p.name(), existing -> {
            if (existing != null) {
                throw new MetaConflictException("pipeline '" + p.name() + "' already exists in team '" + team + "'");
            }
            return p.withSealedWebhookSecret(sealed);
        });
    }

    /** Replaces the definition; the webhook secret and the paused state are kept. */
    public Pipeline replace(String team, String actor, String name, JsonNode body) {
        Pipeline p = parse(body);
        if (!p.name().equals(name)) {
            throw new MetaInvalidException("'name' is '" + p.name() + "' but the pipeline is '" + name
                    + "': pipelines cannot be renamed");
        }
        return write(team, actor, "Update pipeline " + name, name, existing -> {
            Pipeline current = required(team, name, existing);
            return p.withPaused(current.paused()).withSealedWebhookSecret(current.sealedWebhookSecret());
        });
    }

    public void delete(String team, String actor, String name) {
        teams.edit(team, actor, "Delete pipeline " + name, c -> {
            required(team, name, read(c, name).orElse(null));
            return c.withExtraFile(PipelineValidator.path(name), null);
        });
    }

    /**
     * Inserts a stage at {@code position} (0-based; null appends) or before stage {@code before}. A stage
     * that stops being the last keeps no action of its own and deploys the latest snapshot.
     */
    public Pipeline addStage(String team, String actor, String name, JsonNode stageBody, Integer position,
            String before) {
        List<String> problems = new ArrayList<>();
        Stage stage = PipelineJson.stage(stageBody, 0, problems);
        if (stage == null) {
            throw new MetaInvalidException(String.join("; ", problems));
        }
        return editStages(team, actor, "Add stage " + stage.name() + " to pipeline " + name, name, stages -> {
            int at = stages.size();
            if (before != null) {
                at = indexOf(stages, before, name);
            } else if (position != null) {
                if (position < 0 || position > stages.size()) {
                    throw new MetaInvalidException("position must be from 0 to " + stages.size() + ", not " + position);
                }
                at = position;
            }
            stages.add(at, stage);
            return stages;
        });
    }

    public Pipeline removeStage(String team, String actor, String name, String stage) {
        return editStages(team, actor, "Remove stage " + stage + " from pipeline " + name, name, stages -> {
            stages.remove(indexOf(stages, stage, name));
            return stages;
        });
    }

    /** Puts the stages in {@code order}, which must name each stage exactly once. */
    public Pipeline reorder(String team, String actor, String name, List<String> order) {
        return editStages(team, actor, "Reorder stages of pipeline " + name, name, stages -> {
            List<String> current = stages.stream().map(Stage::name).sorted().toList();
            if (order == null || !current.equals(order.stream().sorted().toList())) {
                throw new MetaInvalidException("'order' must name each stage of pipeline '" + name
                        + "' exactly once: " + String.join(", ", stages.stream().map(Stage::name).toList()));
            }
            List<Stage> next = new ArrayList<>();
            for (String s : order) {
                next.add(stages.get(indexOf(stages, s, name)));
            }
            return next;
        });
    }

    /** Pauses or resumes the pipeline's triggers. */
    public Pipeline setPaused(String team, String actor, String name, boolean paused) {
        return write(team, actor, (paused ? "Pause" : "Resume") + " pipeline " + name, name,
                existing -> required(team, name, existing).withPaused(paused));
    }

    /** The webhook secret in plain text (owners only: the caller checks), empty when the pipeline has none. */
    public Optional<String> webhookSecret(Pipeline p) {
        return Optional.ofNullable(p.sealedWebhookSecret()).map(secrets::open);
    }

    private Pipeline editStages(String team, String actor, String message, String name,
            UnaryOperator<List<Stage>> edit) {
        return write(team, actor, message, name, existing -> {
            Pipeline current = required(team, name, existing);
            List<Stage> stages = edit.apply(new ArrayList<>(current.stages()));
            if (!stages.isEmpty()) {
                Stage last = stages.get(stages.size() - 1);
                stages.set(stages.size() - 1, last.withAction(null));
            }
            return current.withStages(stages);
        });
    }

    private Pipeline write(String team, String actor, String message, String name, UnaryOperator<Pipeline> change) {
        Pipeline[] written = new Pipeline[1];
        teams.edit(team, actor, message, c -> {
            Pipeline next = change.apply(read(c, name).orElse(null));
            List<String> problems = PipelineValidator.validate(c, next);
            if (!problems.isEmpty()) {
                throw new MetaInvalidException(String.join("; ", problems));
            }
            written[0] = next;
            return c.withExtraFile(PipelineValidator.path(name), MetaJson.write(PipelineJson.format(next)));
        });
        return written[0];
    }

    private static Pipeline parse(JsonNode body) {
        if (body != null && body.isObject() && (body.has("paused") || body.has("webhook"))) {
            throw new MetaInvalidException("'paused' and 'webhook' are not part of a definition: use"
                    + " .../pause and .../resume; the webhook secret is made by the server");
        }
        PipelineJson.Parsed parsed = PipelineJson.parse(body);
        if (parsed.pipeline() == null) {
            throw new MetaInvalidException(String.join("; ", parsed.problems()));
        }
        return parsed.pipeline();
    }

    private static Pipeline required(String team, String name, Pipeline p) {
        if (p == null) {
            throw new MetaNotFoundException("pipeline '" + name + "' does not exist in team '" + team + "'");
        }
        return p;
    }

    private static int indexOf(List<Stage> stages, String stage, String pipeline) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name().equals(stage)) {
                return i;
            }
        }
        throw new MetaNotFoundException("stage '" + stage + "' does not exist in pipeline '" + pipeline + "'");
    }
}
