package dev.flowstage.hooks.trigger;

import dev.flowstage.hooks.pipeline.Pipeline;
import dev.flowstage.hooks.pipeline.PipelineRunner;
import dev.flowstage.hooks.pipeline.PipelineStore;
import dev.flowstage.hooks.pipeline.Stage;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.secret.SecretBox;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The webhook trigger of a pipeline (SPEC §5, §6): a call that knows the pipeline's secret deploys a
 * stage (the first one unless it names another). The secret is compared in constant time, and an
 * unknown team or pipeline and a wrong secret fail alike, so the URL reveals nothing by answer or timing.
 */
public final class PipelineWebhook {
    static final String NOT_FOUND = "no pipeline webhook at this address";
    // compared against when there is no real secret, so the unknown case costs the same work
    private static final String ABSENT = "0".repeat(40);

    /** What a call did. */
    public sealed interface Outcome permits Started, Paused {}

    /** A deploy was queued. */
    public record Started(Run run) implements Outcome {}

    /** The pipeline's triggers are paused; nothing was run. */
    public record Paused(String message) implements Outcome {}

    private final PipelineStore pipelines;
    private final PipelineRunner runner;
    private final SecretBox secrets;

    public PipelineWebhook(PipelineStore pipelines, PipelineRunner runner, SecretBox secrets) {
        this.pipelines = pipelines;
        this.runner = runner;
        this.secrets = secrets;
    }

    /**
     * @throws MetaNotFoundException for an unknown team or pipeline, a pipeline without webhook or a wrong
     *     secret (one message for all); the runner's own exceptions for the deploy itself
     */
    public Outcome fire(String team, String pipeline, String secret, Optional<String> stage, Optional<String> snapshot) {
        Optional<Pipeline> p = find(team, pipeline);
        String expected = p.map(Pipeline::sealedWebhookSecret).flatMap(this::open).orElse(null);
        boolean match = constantTimeEquals(expected == null ? ABSENT : expected, secret == null ? "" : secret);
        if (expected == null || !match) {
            throw new MetaNotFoundException(NOT_FOUND);
        }
        Pipeline found = p.get();
        if (found.paused()) {
            return new Paused("pipeline " + found.name() + " is paused: nothing was run");
        }
        String stageName = stage.orElseGet(() -> found.stages().stream().findFirst().map(Stage::name)
                .orElseThrow(() -> new MetaInvalidException("pipeline " + found.name() + " has no stages to deploy")));
        return new Started(runner.deploy(team, found.name(), stageName, snapshot, "webhook", PipelineRunner.WEBHOOK));
    }

    private Optional<Pipeline> find(String team, String pipeline) {
        if (!Names.isValid(team) || !Names.isValid(pipeline)) {
            return Optional.empty();
        }
        try {
            return pipelines.get(team, pipeline);
        } catch (RuntimeException unreadable) {
            return Optional.empty();
        }
    }

    private Optional<String> open(String sealed) {
        try {
            return Optional.of(secrets.open(sealed));
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }

    /** Equal-length digests compared with {@link MessageDigest#isEqual}: the time depends on neither input. */
    static boolean constantTimeEquals(String expected, String given) {
        try {
            MessageDigest a = MessageDigest.getInstance("SHA-256");
            MessageDigest b = MessageDigest.getInstance("SHA-256");
            return MessageDigest.isEqual(a.digest(expected.getBytes(StandardCharsets.UTF_8)),
                    b.digest(given.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
