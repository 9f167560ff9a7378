package dev.flowstage.storage.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.RepositoryCache;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitAuditStoreTest {
    private static final Instant NOW = Instant.parse("2026-12-01T07:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path data;
    private GcQueue gc;
    private LocalRepoStore repos;
    private GitSiteStore site;

    @BeforeEach
    void open() throws Exception {
        gc = new GcQueue(1_000_000, Duration.ofHours(1));
        repos = new LocalRepoStore(data.resolve("repos"), gc);
        repos.create(new RepoName("acme", RepoName.CONFIG)).close();
        repos.create(new RepoName("beta", RepoName.CONFIG)).close();
        site = new GitSiteStore(data.resolve("site.git"), CLOCK);
    }

    @AfterEach
    void close() {
        site.close();
        gc.close();
        RepositoryCache.clear();
    }

    private GitAuditStore store(int keep) {
        return new GitAuditStore(repos, data.resolve("site.git"), CLOCK, keep);
    }

    private static AuditEntry entry(String action, String target) {
        return AuditEntry.of(NOW, "alice", action, target, Map.of("role", "owner"));
    }

    private static List<String> targets(List<AuditEntry> entries) {
        return entries.stream().map(AuditEntry::target).toList();
    }

    @Test
    void appendsGiveIdsAndPagesAreNewestFirstWithACursor() {
        try (GitAuditStore audit = store(100)) {
            List<AuditEntry> stored = audit.append("acme", List.of(entry("instance.create", "instance/a"),
                    entry("instance.create", "instance/b"), entry("member.update", "member/bob")));
            assertEquals(List.of("00000001", "00000002", "00000003"), stored.stream().map(AuditEntry::id).toList());
            audit.append("acme", List.of(entry("token.create", "token/t")));

            List<AuditEntry> first = audit.page("acme", 2, null, null);
            assertEquals(List.of("token/t", "member/bob"), targets(first));
            List<AuditEntry> second = audit.page("acme", 2, first.get(1).id(), null);
            assertEquals(List.of("instance/b", "instance/a"), targets(second));
            assertEquals(List.of(), audit.page("acme", 2, second.get(1).id(), null));
            AuditEntry read = second.get(0);
            assertEquals(NOW, read.time());
            assertEquals("alice", read.actor());
            assertEquals(Map.of("role", "owner"), read.details());
            assertEquals(List.of(), audit.page("beta", 10, null, null), "logs are per team");
        }
    }

    @Test
    void filtersByExactNameOrPrefix() {
        try (GitAuditStore audit = store(100)) {
            audit.append("acme", List.of(entry("instance.create", "instance/a"), entry("instance.delete", "instance/a"),
                    entry("member.update", "member/bob"), entry("instances.x", "x")));
            assertEquals(List.of("instance.delete", "instance.create"),
                    audit.page("acme", 10, null, "instance.").stream().map(AuditEntry::action).toList());
            assertEquals(List.of("instance.delete", "instance.create"),
                    audit.page("acme", 10, null, "instance").stream().map(AuditEntry::action).toList());
            assertEquals(List.of("member.update"),
                    audit.page("acme", 10, null, "member.update").stream().map(AuditEntry::action).toList());
            // a filtered page is full even when non-matching entries lie between matching ones
            assertEquals(1, audit.page("acme", 1, null, "instance.create").size());
        }
    }

    @Test
    void keepsOnlyTheNewestEntriesInTheTreeAndTheRestInHistory() throws Exception {
        try (GitAuditStore audit = store(5)) {
            for (int batch = 0; batch < 4; batch++) {
                List<AuditEntry> entries = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    entries.add(entry("push", "t" + (batch * 3 + i + 1)));
                }
                audit.append("acme", entries);
            }
            List<AuditEntry> all = audit.page("acme", 100, null, null);
            assertEquals(List.of("t12", "t11", "t10", "t9", "t8"), targets(all));
            try (Repository config = repos.open(new RepoName("acme", RepoName.CONFIG)); RevWalk rw = new RevWalk(config)) {
                Ref ref = config.exactRef(AuditStore.REF);
                assertNotNull(ref);
                int commits = 0;
                rw.markStart(rw.parseCommit(ref.getObjectId()));
                while (rw.next() != null) {
                    commits++;
                }
                assertEquals(4, commits, "one commit per append");
            }
        }
    }

    @Test
    void siteLogLivesInTheSiteRepository() throws Exception {
        try (GitAuditStore audit = store(100)) {
            audit.append(null, List.of(entry("user.create", "user/bob")));
            assertEquals(List.of("user/bob"), targets(audit.page(null, 10, null, null)));
            assertEquals(List.of(), audit.page("acme", 10, null, null));
            try (Repository siteRepo = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                    .setGitDir(data.resolve("site.git").toFile()).setMustExist(true).build()) {
                assertNotNull(siteRepo.exactRef(AuditStore.REF));
            }
        }
    }

    @Test
    void rejectsABadCursorAndAnUnknownTeam() {
        try (GitAuditStore audit = store(100)) {
            assertThrows(MetaInvalidException.class, () -> audit.page("acme", 10, "../x", null));
            assertThrows(MetaNotFoundException.class, () -> audit.page("nope", 10, null, null));
            assertThrows(MetaNotFoundException.class, () -> audit.append("nope", List.of(entry("push", "x"))));
        }
    }

    @Test
    void entriesDropNullDetailsAndSortThem() {
        Map<String, String> details = new java.util.HashMap<>();
        details.put("b", "2");
        details.put("a", "1");
        details.put("c", null);
        AuditEntry e = AuditEntry.of(NOW, null, "push", null, details);
        assertEquals(List.of("a", "b"), new ArrayList<>(e.details().keySet()));
        assertEquals("flowstage", e.actor());
        assertNull(e.id());
        assertTrue(e.matches(null));
    }
}
