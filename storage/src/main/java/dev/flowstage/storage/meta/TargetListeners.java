package dev.flowstage.storage.meta;

import dev.flowstage.storage.repo.RepoName;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registered {@link TargetListener}s; one that throws is logged and skipped (the change is already stored). */
public final class TargetListeners implements TargetListener {
    private static final Logger LOG = LoggerFactory.getLogger(TargetListeners.class);

    private final List<TargetListener> listeners = new CopyOnWriteArrayList<>();

    public void add(TargetListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    @Override
    public void repositoryCreated(RepoName repo) {
        for (TargetListener l : listeners) {
            try {
                l.repositoryCreated(repo);
            } catch (RuntimeException e) {
                LOG.warn("target listener {} failed after {} was created", l, repo, e);
            }
        }
    }

    @Override
    public void configChanged(String team, TeamConfig before, TeamConfig after) {
        for (TargetListener l : listeners) {
            try {
                l.configChanged(team, before, after);
            } catch (RuntimeException e) {
                LOG.warn("target listener {} failed after a configuration change of team {}", l, team, e);
            }
        }
    }
}
