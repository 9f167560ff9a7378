package dev.flowstage.hooks.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.meta.Application;
import dev.flowstage.storage.meta.GitSiteStore;
import dev.flowstage.storage.meta.GitTeamStore;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.Role;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TeamAccessControlTest {
    private static final RepoName DEV = new RepoName("acme", "dev");
    private static final RepoName PI = new RepoName("acme", "pi-1");
    private static final RepoName CONFIG = new RepoName("acme", RepoName.CONFIG);
    private static final RepoName OTHER_TEAM = new RepoName("zeta", "dev");

    @TempDir
    Path dir;
    private TeamAccessControl access;
    private GitTeamStore teams;

    @BeforeEach
    void setUp() {
        Clock clock = Clock.systemUTC();
        GitSiteStore site = new GitSiteStore(dir.resolve("site.git"), clock);
        teams = new GitTeamStore(new LocalRepoStore(dir.resolve("repos"), new GcQueue(100, Duration.ofHours(1))), site, clock);
        for (String user : new String[] {"olga", "mia", "vic", "nora", "root"}) {
            site.createUser(user, "$argon2id$unused", user.equals("root"));
        }
        teams.create("acme", "olga");
        teams.create("zeta", "nora");
        teams.edit("acme", "olga", "members and targets", c -> c
                .withMember("mia", Role.MEMBER)
                .withMember("vic", Role.VIEWER)
                .withApplication("app", new Application("app", "", Instant.EPOCH))
                .withTarget("dev", new Target(TargetKind.INSTANCE, "dev", "app", false, null, null, null, null, Instant.EPOCH))
                .withTarget("pi-1", new Target(TargetKind.DEVICE, "pi-1", "app", false, null, null, null, null, Instant.EPOCH)));
        access = new TeamAccessControl(teams);
    }

    @Test
    void rolesComeFromMembershipAndAdminsOwnEveryTeam() {
        assertEquals(Optional.of(Role.OWNER), access.role(user("olga", TokenScope.READ), "acme"));
        assertEquals(Optional.of(Role.MEMBER), access.role(user("mia", TokenScope.ADMIN), "acme"));
        assertEquals(Optional.of(Role.VIEWER), access.role(user("vic", TokenScope.ADMIN), "acme"));
        assertEquals(Optional.empty(), access.role(user("nora", TokenScope.ADMIN), "acme"));
        assertEquals(Optional.of(Role.OWNER), access.role(admin(), "acme"));
        assertEquals(Optional.empty(), access.role(admin(), "no-such-team"));
        assertEquals(Optional.empty(), access.role(new DevicePrincipal("acme", "pi-1"), "acme"));
    }

    @Test
    void everyMemberReadsWithAnyScopeAndOthersDoNot() {
        assertTrue(access.canRead(user("vic", TokenScope.READ), DEV));
        assertTrue(access.canRead(user("vic", TokenScope.READ), CONFIG));
        assertTrue(access.canRead(user("mia", TokenScope.READ), PI));
        assertFalse(access.canRead(user("nora", TokenScope.ADMIN), DEV));
        assertFalse(access.canRead(user("olga", TokenScope.ADMIN), OTHER_TEAM));
        assertTrue(access.canRead(admin(), OTHER_TEAM));
    }

    @Test
    void membersPushWithAWriteScopeViewersNever() {
        assertTrue(access.canPush(user("mia", TokenScope.WRITE), DEV));
        assertTrue(access.canPush(user("olga", TokenScope.ADMIN), DEV));
        assertFalse(access.canPush(user("mia", TokenScope.READ), DEV));
        assertFalse(access.canPush(user("vic", TokenScope.ADMIN), DEV));
        assertFalse(access.canPush(user("nora", TokenScope.ADMIN), DEV));
    }

    @Test
    void onlyOwnersPushTheTeamConfig() {
        assertTrue(access.canPush(user("olga", TokenScope.WRITE), CONFIG));
        assertFalse(access.canPush(user("olga", TokenScope.READ), CONFIG));
        assertFalse(access.canPush(user("mia", TokenScope.ADMIN), CONFIG));
        assertTrue(access.canPush(admin(), CONFIG));
    }

    @Test
    void aDeviceReachesOnlyItsOwnRepository() {
        DevicePrincipal pi = new DevicePrincipal("acme", "pi-1");
        assertTrue(access.canRead(pi, PI));
        assertTrue(access.canPush(pi, PI));
        assertFalse(access.canRead(pi, DEV));
        assertFalse(access.canPush(pi, DEV));
        assertFalse(access.canRead(pi, CONFIG));
        assertFalse(access.canRead(new DevicePrincipal("zeta", "pi-1"), PI));
    }

    @Test
    void readingWithTheTeamsConfigAlreadyInHandGivesTheSameAnswers() {
        List<Principal> principals = List.of(user("olga", TokenScope.READ), user("mia", TokenScope.WRITE),
                user("vic", TokenScope.ADMIN), user("nora", TokenScope.ADMIN), admin(),
                new DevicePrincipal("acme", "pi-1"), new DevicePrincipal("acme", "dev"), new DevicePrincipal("zeta", "pi-1"));
        for (RepoName repo : List.of(DEV, PI, CONFIG, OTHER_TEAM, new RepoName("zeta", "pi-1"))) {
            TeamConfig config = teams.team(repo.team()).orElseThrow();
            for (Principal who : principals) {
                assertEquals(access.canRead(who, repo), access.canRead(who, repo, config), who + " on " + repo);
            }
        }
    }

    private static UserPrincipal user(String name, TokenScope scope) {
        return new UserPrincipal(name, false, scope);
    }

    private static UserPrincipal admin() {
        return new UserPrincipal("root", true, TokenScope.ADMIN);
    }
}
