package dev.flowstage.storage.audit;

import dev.flowstage.storage.meta.MetaChange;
import dev.flowstage.storage.meta.MetaFolder;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaRef;
import dev.flowstage.storage.meta.MetaTree;
import dev.flowstage.storage.meta.TeamMetaRepo;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.repo.RepoStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

/**
 * {@link AuditStore} on ref {@link #REF} of each team's {@code _config.git} and of {@code site.git}:
 * {@code entries/SHARD/ID.json} (ids count up from 1, at most 100 per shard tree) and {@code next-id}.
 * Only the newest {@code keep} entries stay in the tree; each append removes those that fall out, so the
 * tree stays bounded while older entries remain in the ref's history ({@code git log -p refs/meta/audit}).
 */
public final class GitAuditStore implements AuditStore, AutoCloseable {
    public static final int DEFAULT_KEEP = 10_000;
    static final String NEXT_ID = "next-id";
    private static final String SITE_SCOPE = "";

    private final RepoStore repos;
    private final Path siteRepoDir;
    private final Clock clock;
    private final int keep;
    private final MetaFolder<AuditEntry> folder = new MetaFolder<>("entries", true, AuditJson::parse, 20_000);
    private Repository site;

    public GitAuditStore(RepoStore repos, Path siteRepoDir, Clock clock, int keep) {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be at least 1");
        }
        this.repos = repos;
        this.siteRepoDir = siteRepoDir;
        this.clock = clock;
        this.keep = keep;
    }

    @Override
    public List<AuditEntry> append(String team, List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return List.of();
        }
        List<AuditEntry> stored = new ArrayList<>();
        try (Handle h = open(team)) {
            MetaRef ref = new MetaRef(h.repo, REF);
            String message = entries.size() == 1 ? "Audit " + entries.get(0).action()
                    : "Audit " + entries.size() + " entries";
            ref.edit(message, TeamMetaRepo.ident(null, clock), tree -> {
                stored.clear();
                long next = TeamMetaRepo.counter(tree, NEXT_ID);
                MetaChange change = MetaChange.NONE;
                for (AuditEntry e : entries) {
                    AuditEntry withId = e.withId(id(next++));
                    stored.add(withId);
                    change = change.andWrite(folder.path(withId.id()), AuditJson.format(withId));
                }
                change = change.andWrite(NEXT_ID, (next + "\n").getBytes(StandardCharsets.UTF_8));
                for (String old : fallingOut(ref, tree, next - keep)) {
                    change = change.andRemove(folder.path(old));
                }
                return change;
            });
            if (team != null) {
                repos.pushed(new RepoName(team, RepoName.CONFIG));
            }
            return stored;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store audit entries of " + scopeName(team), e);
        }
    }

    /** Ids in the tree lower than {@code firstKept}. */
    private List<String> fallingOut(MetaRef ref, MetaTree tree, long firstKept) {
        if (firstKept <= 1 || tree.commit() == null) {
            return List.of();
        }
        return new ArrayList<>(folder.listing(ref, tree.commit()).headMap(id(firstKept), false).keySet());
    }

    @Override
    public List<AuditEntry> page(String team, int limit, String beforeIdOrNull, String actionOrNull) {
        if (limit < 1) {
            throw new MetaInvalidException("limit must be at least 1, not " + limit);
        }
        if (beforeIdOrNull != null && !folder.accepts(beforeIdOrNull)) {
            throw new MetaInvalidException("cursor '" + beforeIdOrNull + "' is not an audit entry id");
        }
        try (Handle h = open(team)) {
            MetaRef ref = new MetaRef(h.repo, REF);
            NavigableMap<String, ObjectId> ids = folder.listing(ref, ref.head());
            NavigableMap<String, ObjectId> older = beforeIdOrNull == null ? ids : ids.headMap(beforeIdOrNull, false);
            List<AuditEntry> page = new ArrayList<>();
            for (Map.Entry<String, ObjectId> e : older.descendingMap().entrySet()) {
                AuditEntry entry = folder.record(ref, scope(team), e.getKey(), e.getValue());
                if (entry.matches(actionOrNull)) {
                    page.add(entry);
                    if (page.size() == limit) {
                        break;
                    }
                }
            }
            return page;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit log of " + scopeName(team), e);
        }
    }

    /** Ids are zero-padded so that they also sort as text (git log, file listings). */
    private static String id(long n) {
        return String.format("%08d", n);
    }

    private static String scope(String team) {
        return team == null ? SITE_SCOPE : team;
    }

    private static String scopeName(String team) {
        return team == null ? "the site" : "team '" + team + "'";
    }

    /** A team's repository is opened per call (the repo cache shares it); the site's is kept open. */
    private record Handle(Repository repo, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                repo.close();
            }
        }
    }

    private Handle open(String team) throws IOException {
        if (team != null) {
            return new Handle(TeamMetaRepo.open(repos, team), true);
        }
        synchronized (this) {
            if (site == null) {
                try {
                    site = new FileRepositoryBuilder().setGitDir(siteRepoDir.toFile()).setBare().setMustExist(true)
                            .build();
                } catch (RepositoryNotFoundException e) {
                    throw new IOException("the site repository " + siteRepoDir + " does not exist", e);
                }
            }
            return new Handle(site, false);
        }
    }

    @Override
    public synchronized void close() {
        if (site != null) {
            site.close();
            site = null;
        }
    }
}
