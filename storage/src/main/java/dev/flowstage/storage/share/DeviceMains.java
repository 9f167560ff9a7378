package dev.flowstage.storage.share;

import dev.flowstage.storage.repo.RepoLocks;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;

/**
 * Moves the {@code main} of many device repositories to commits their lender holds: one ref write per
 * device, no object written. The same call moves a whole group, a wave of it, or puts a wave back to
 * the commits it had (each device may get its own commit). A device that no longer borrows from the
 * lender (it left the group meanwhile) is skipped, so its self-contained copy is never pointed at
 * objects it lacks.
 */
public final class DeviceMains {
    public static final String MAIN = Constants.R_HEADS + "main";

    /**
     * What a move did: {@code previous} maps each moved device to the commit its main had (null: none);
     * {@code unchanged} were already there; {@code skipped} do not borrow from the lender or have no repository.
     */
    public record Moved(Map<String, ObjectId> previous, List<String> unchanged, List<String> skipped) {
        public Moved {
            previous = Collections.unmodifiableMap(new LinkedHashMap<>(previous));
            unchanged = List.copyOf(unchanged);
            skipped = List.copyOf(skipped);
        }
    }

    private final RepoStore repos;
    private final SharedObjects shared;

    public DeviceMains(RepoStore repos, SharedObjects shared) {
        this.repos = Objects.requireNonNull(repos);
        this.shared = Objects.requireNonNull(shared);
    }

    /**
     * Points {@code main} of each device of {@code team} at its commit in {@code targets}; {@code lender}
     * is the repository that holds those commits (a group, or an instance for deployToDevices).
     */
    public Moved move(String team, RepoName lender, Map<String, ObjectId> targets, PersonIdent who, String reason)
            throws IOException {
        Path lenderObjects = shared.objectsDir(lender);
        Map<String, ObjectId> previous = new LinkedHashMap<>();
        List<String> unchanged = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<String, ObjectId> e : targets.entrySet()) {
            RepoName device = new RepoName(team, e.getKey());
            Repository repo;
            try {
                repo = repos.open(device);
            } catch (RepositoryNotFoundException gone) {
                skipped.add(e.getKey());
                continue;
            }
            try (repo; RepoLocks.Held writing = RepoLocks.writing(repo.getDirectory())) {
                if (!Alternates.read(repo.getDirectory().toPath()).contains(lenderObjects)) {
                    skipped.add(e.getKey());
                    continue;
                }
                Ref main = repo.exactRef(MAIN);
                ObjectId old = main == null ? null : main.getObjectId();
                if (e.getValue().equals(old)) {
                    unchanged.add(e.getKey());
                    continue;
                }
                RefUpdate ru = repo.updateRef(MAIN);
                ru.setExpectedOldObjectId(old == null ? ObjectId.zeroId() : old);
                ru.setNewObjectId(e.getValue());
                ru.setForceUpdate(true);
                ru.setRefLogIdent(who);
                ru.setRefLogMessage(reason, false);
                RefUpdate.Result result;
                try (RevWalk walk = new RevWalk(repo)) {
                    result = ru.update(walk);
                }
                switch (result) {
                    case NEW, FAST_FORWARD, FORCED -> previous.put(e.getKey(), old);
                    case NO_CHANGE -> unchanged.add(e.getKey());
                    default -> throw new IOException("cannot move main of " + device + ": " + result);
                }
            }
        }
        return new Moved(previous, unchanged, skipped);
    }

    /** The current {@code main} of each device (null when it has none or no repository). */
    public Map<String, ObjectId> mains(String team, Iterable<String> devices) throws IOException {
        Map<String, ObjectId> out = new LinkedHashMap<>();
        for (String d : devices) {
            try (Repository repo = repos.open(new RepoName(team, d))) {
                Ref main = repo.exactRef(MAIN);
                out.put(d, main == null ? null : main.getObjectId());
            } catch (RepositoryNotFoundException e) {
                out.put(d, null);
            }
        }
        return out;
    }
}
