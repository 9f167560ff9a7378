package dev.flowstage.hooks.events;

/**
 * Observes a target's {@code main} moving, whatever moved it (a push, an approved review, later a
 * promotion). Called after the ref moved, on the thread that moved it: return quickly and do slow work
 * (a deployment) elsewhere. {@code oldSha} is null when {@code main} was created.
 */
@FunctionalInterface
public interface MainMovedListener {
    MainMovedListener NONE = (team, target, oldSha, newSha, actor) -> { };

    void onMainMoved(String team, String target, String oldSha, String newSha, String actor);
}
