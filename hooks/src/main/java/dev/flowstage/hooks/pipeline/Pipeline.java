package dev.flowstage.hooks.pipeline;

import java.util.List;
import java.util.Optional;

/**
 * A pipeline definition (SPEC §6), stored as {@code pipelines/NAME.json} in the team's {@code _config.git}.
 * {@code sealedWebhookSecret} is the webhook trigger's secret sealed by the SecretBox (null: no webhook);
 * {@code paused} stops all its triggers.
 */
public record Pipeline(String name, String application, Concurrency concurrency, List<Stage> stages,
        boolean paused, String sealedWebhookSecret) {
    public Pipeline {
        stages = List.copyOf(stages);
    }

    public Optional<Stage> stage(String stageName) {
        return stages.stream().filter(s -> s.name().equals(stageName)).findFirst();
    }

    /** The stage after {@code stageName}: the one a deploy of that stage goes into. */
    public Optional<Stage> next(String stageName) {
        for (int i = 0; i < stages.size() - 1; i++) {
            if (stages.get(i).name().equals(stageName)) {
                return Optional.of(stages.get(i + 1));
            }
        }
        return Optional.empty();
    }

    public Pipeline withStages(List<Stage> newStages) {
        return new Pipeline(name, application, concurrency, newStages, paused, sealedWebhookSecret);
    }

    public Pipeline withPaused(boolean p) {
        return new Pipeline(name, application, concurrency, stages, p, sealedWebhookSecret);
    }

    public Pipeline withSealedWebhookSecret(String sealed) {
        return new Pipeline(name, application, concurrency, stages, paused, sealed);
    }
}
