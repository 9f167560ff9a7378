package dev.flowstage.hooks.pipeline;

import java.util.List;
import java.util.Locale;

/** What a stage points at; the JSON field that names its target has the kind's name ("instance": "qa"). */
public enum StageKind {
    INSTANCE(List.of("create_snapshot", "use_latest_snapshot", "prompt_snapshot")),
    DEVICE(List.of("use_active_snapshot", "use_latest_device_snapshot", "prompt_snapshot")),
    GROUP(List.of()),
    GIT(List.of());

    private final List<String> actions;

    StageKind(List<String> actions) {
        this.actions = actions;
    }

    /** The field naming the target in a stage's JSON, and the kind's name in messages. */
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The actions a stage of this kind may take; empty when the kind decides what it deploys itself. */
    public List<String> actions() {
        return actions;
    }
}
