package dev.flowstage.hooks.receive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flowstage.hooks.access.DevicePrincipal;
import dev.flowstage.hooks.access.Principal;
import dev.flowstage.hooks.access.UserPrincipal;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.meta.TokenScope;
import dev.flowstage.storage.repo.GcQueue;
import dev.flowstage.storage.repo.LocalRepoStore;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.review.GitReviewStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.TreeFormatter;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceiveCommand.Result;
import org.eclipse.jgit.transport.ReceivePack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushRulesTest {
    private static final ObjectId ZERO = ObjectId.zeroId();
    private static final Principal ALICE = new UserPrincipal("alice", false, TokenScope.WRITE);
    private static final Principal ADMIN = new UserPrincipal("admin", true, TokenScope.ADMIN);
    private static final Principal PI = new DevicePrincipal("acme", "pi-1");

    @TempDir
    Path dir;
    private Repository repo;
    private ObjectId first;
    private ObjectId second;
    private ObjectId sideways;

    @BeforeEach
    void createRepo() throws IOException {
        repo = FileRepositoryBuilder.create(dir.resolve("r.git").toFile());
        repo.create(true);
        first = commit(null, "first");
        second = commit(first, "second");
        sideways = commit(first, "sideways");
    }

    @AfterEach
    void closeRepo() {
        repo.close();
    }

    @Test
    void memberMayFastForwardMainOfAnUnprotectedInstance() {
        ReceiveCommand cmd = new ReceiveCommand(first, second, "refs/heads/main");
        run(rules(ALICE, instance("dev", false)), cmd);
        assertEquals(Result.NOT_ATTEMPTED, cmd.getResult());
    }

    @Test
    void memberMayCreateUpdateAndDeleteWorkBranchesAndCreateTags() {
        ReceiveCommand create = new ReceiveCommand(ZERO, first, "refs/heads/feature");
        ReceiveCommand force = new ReceiveCommand(second, sideways, "refs/heads/topic", ReceiveCommand.Type.UPDATE_NONFASTFORWARD);
        ReceiveCommand delete = new ReceiveCommand(first, ZERO, "refs/heads/old");
        ReceiveCommand tag = new ReceiveCommand(ZERO, first, "refs/tags/v1");
        run(rules(ALICE, instance("dev", false)), create, force, delete, tag);
        for (ReceiveCommand cmd : List.of(create, force, delete, tag)) {
            assertEquals(Result.NOT_ATTEMPTED, cmd.getResult(), cmd.getRefName());
        }
    }

    @Test
    void tagsAreCreateOnlyForMembersAndNeverMove() {
        ReceiveCommand move = new ReceiveCommand(first, second, "refs/tags/v1");
        run(rules(ALICE, instance("dev", false)), move);
        assertRefused(move, "flowstage: refs/tags/v1 already exists and tags are never moved; an owner may delete it");

        ReceiveCommand delete = new ReceiveCommand(first, ZERO, "refs/tags/v1");
        run(rules(ALICE, instance("dev", false)), delete);
        assertRefused(delete, "flowstage: only owners may delete tags (refs/tags/v1)");

        ReceiveCommand ownerMove = new ReceiveCommand(first, second, "refs/tags/v1");
        run(rules(ADMIN, instance("dev", false)), ownerMove);
        assertRefused(ownerMove, "flowstage: refs/tags/v1 already exists and tags are never moved; delete it first");

        ReceiveCommand ownerDelete = new ReceiveCommand(first, ZERO, "refs/tags/v1");
        run(rules(ADMIN, instance("dev", false)), ownerDelete);
        assertEquals(Result.NOT_ATTEMPTED, ownerDelete.getResult());
    }

    @Test
    void tagsOfProtectedInstancesDevicesAndGroupsAreWrittenByTheServerOnly() {
        ReceiveCommand prod = new ReceiveCommand(ZERO, first, "refs/tags/v1");
        run(rules(ADMIN, instance("prod", true)), prod);
        assertRefused(prod, "flowstage: tags of protected instance 'prod' are written by the server only:"
                + " name a snapshot with POST /api/v1/teams/acme/instances/prod/snapshots");
        ReceiveCommand group = new ReceiveCommand(ZERO, first, "refs/tags/v1");
        run(rules(ALICE, target(TargetKind.GROUP, "fleet", false)), group);
        assertRefused(group, "flowstage: tags of group 'fleet' are written by the server only:"
                + " name a snapshot with POST /api/v1/teams/acme/groups/fleet/snapshots");
    }

    @Test
    void aTagMustNameAValidSnapshotCommit() throws IOException {
        ObjectId bad;
        ObjectId blob;
        try (ObjectInserter ins = repo.newObjectInserter()) {
            blob = ins.insert(Constants.OBJ_BLOB, "{not json".getBytes(StandardCharsets.UTF_8));
            TreeFormatter tree = new TreeFormatter();
            tree.append("flows.json", FileMode.REGULAR_FILE, blob);
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(ins.insert(tree));
            cb.setParentId(first);
            PersonIdent who = new PersonIdent("t", "t@example.com");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage("broken");
            bad = ins.insert(cb);
            ins.flush();
        }
        ReceiveCommand tag = new ReceiveCommand(ZERO, bad, "refs/tags/broken");
        run(rules(ALICE, instance("dev", false)), tag);
        assertEquals(Result.REJECTED_OTHER_REASON, tag.getResult());
        assertTrue(tag.getMessage().startsWith("flowstage: refs/tags/broken names commit " + bad.abbreviate(7).name()
                + ", which is not a valid snapshot: flows.json"), tag.getMessage());

        ReceiveCommand blobTag = new ReceiveCommand(ZERO, blob, "refs/tags/blob");
        run(rules(ALICE, instance("dev", false)), blobTag);
        assertRefused(blobTag, "flowstage: refs/tags/blob must point at a commit (a snapshot)");
    }

    @Test
    void nonFastForwardOfMainIsRefusedWithAMessage() {
        // Built as a plain UPDATE: the rule must find out itself that it is not a fast-forward
        ReceiveCommand cmd = new ReceiveCommand(second, sideways, "refs/heads/main");
        run(rules(ADMIN, instance("dev", false)), cmd);
        assertRefused(cmd, "flowstage: main only moves forward: a non-fast-forward update is refused"
                + " (fetch and merge, or push to another branch)");
    }

    @Test
    void deletingMainIsRefused() {
        ReceiveCommand cmd = new ReceiveCommand(first, ZERO, "refs/heads/main");
        run(rules(ADMIN, instance("dev", false)), cmd);
        assertRefused(cmd, "flowstage: main cannot be deleted");
    }

    @Test
    void mainOfAProtectedInstanceIsRefusedEvenForAdmins() {
        ReceiveCommand cmd = new ReceiveCommand(first, second, "refs/heads/main");
        run(rules(ADMIN, instance("prod", true)), cmd);
        assertRefused(cmd, "flowstage: main of protected instance 'prod' only changes through a pipeline or an approved"
                + " review (push to refs/for/main to open one)");
    }

    @Test
    void creatingMainOfAProtectedInstanceIsRefusedToo() {
        ReceiveCommand cmd = new ReceiveCommand(ZERO, first, "refs/heads/main");
        run(rules(ALICE, instance("prod", true)), cmd);
        assertEquals(Result.REJECTED_OTHER_REASON, cmd.getResult());
    }

    @Test
    void mainOfADeviceOrGroupIsWrittenByTheServerOnly() {
        ReceiveCommand device = new ReceiveCommand(first, second, "refs/heads/main");
        run(rules(ALICE, target(TargetKind.DEVICE, "pi-1", false)), device);
        assertRefused(device, "flowstage: main of device 'pi-1' is written by the server only: deploy to devices through a pipeline");

        ReceiveCommand group = new ReceiveCommand(first, second, "refs/heads/main");
        run(rules(ALICE, target(TargetKind.GROUP, "fleet", false)), group);
        assertRefused(group, "flowstage: main of group 'fleet' is written by the server only: deploy to devices through a pipeline");
    }

    @Test
    void aDevicePushesOnlyItsDeviceBranch() {
        Target pi = target(TargetKind.DEVICE, "pi-1", false);
        ReceiveCommand ok = new ReceiveCommand(ZERO, first, "refs/heads/device");
        run(rules(PI, pi), ok);
        assertEquals(Result.NOT_ATTEMPTED, ok.getResult());

        ReceiveCommand other = new ReceiveCommand(ZERO, first, "refs/heads/feature");
        run(rules(PI, pi), other);
        assertRefused(other, "flowstage: a device may only push to refs/heads/device");

        ReceiveCommand delete = new ReceiveCommand(first, ZERO, "refs/heads/device");
        run(rules(PI, pi), delete);
        assertRefused(delete, "flowstage: a device may only push to refs/heads/device");
    }

    @Test
    void serverRefsAreRefusedForClients() {
        ReceiveCommand review = new ReceiveCommand(ZERO, first, "refs/reviews/1");
        run(rules(ADMIN, instance("dev", false)), review);
        assertRefused(review, "flowstage: refs/reviews/1 is written by the server only");

        ReceiveCommand meta = new ReceiveCommand(ZERO, first, "refs/meta/site");
        run(rules(ADMIN, instance("dev", false)), meta);
        assertRefused(meta, "flowstage: refs/meta/site is written by the server only");
    }

    @Test
    void refsOutsideBranchesAndTagsAreRefused() {
        ReceiveCommand notes = new ReceiveCommand(ZERO, first, "refs/notes/commits");
        run(rules(ALICE, instance("dev", false)), notes);
        assertRefused(notes, "flowstage: only branches (refs/heads/*) and tags (refs/tags/*) can be pushed, not refs/notes/commits");
    }

    @Test
    void reviewsAreOpenedAgainstMainOfAnInstanceOnly() {
        ReceiveCommand other = new ReceiveCommand(ZERO, first, "refs/for/feature");
        run(rules(ALICE, instance("dev", false)), other);
        assertRefused(other, "flowstage: reviews are opened against main only: push to refs/for/main");

        ReceiveCommand delete = new ReceiveCommand(first, ZERO, "refs/for/main");
        run(rules(ALICE, instance("dev", false)), delete);
        assertRefused(delete, "flowstage: refs/for/main is not a branch: there is nothing to delete");

        ReceiveCommand device = new ReceiveCommand(ZERO, first, "refs/for/main");
        run(rules(ALICE, target(TargetKind.DEVICE, "pi-1", false)), device);
        assertRefused(device, "flowstage: main of device 'pi-1' is written by the server only: deploy to devices through a pipeline");

        ReceiveCommand config = new ReceiveCommand(ZERO, first, "refs/for/main");
        run(rulesFor(ALICE, new RepoName("acme", RepoName.CONFIG), null), config);
        assertRefused(config, "flowstage: the team configuration has no reviews: push it to main");

        ReceiveCommand byDevice = new ReceiveCommand(ZERO, first, "refs/for/main");
        run(rules(PI, target(TargetKind.DEVICE, "pi-1", false)), byDevice);
        assertRefused(byDevice, "flowstage: a device may only push to refs/heads/device");
    }

    @Test
    void oneRefusedCommandRefusesTheWholePush() {
        ReceiveCommand fine = new ReceiveCommand(ZERO, first, "refs/heads/feature");
        ReceiveCommand bad = new ReceiveCommand(first, ZERO, "refs/heads/main");
        run(rules(ALICE, instance("dev", false)), fine, bad);
        assertRefused(bad, "flowstage: main cannot be deleted");
        assertRefused(fine, "flowstage: atomic push failed");
    }

    @Test
    void teamConfigMainMovesForwardOnly() throws Exception {
        // The ref rule alone: what the pushed configuration holds is ConfigPush's to judge
        PushRules config = rulesFor(ALICE, new RepoName("acme", RepoName.CONFIG), null);
        try (org.eclipse.jgit.revwalk.RevWalk walk = new org.eclipse.jgit.revwalk.RevWalk(repo)) {
            assertTrue(config.refusal(new ReceiveCommand(first, second, "refs/heads/main"), walk).isEmpty());
            assertTrue(config.refusal(new ReceiveCommand(second, sideways, "refs/heads/main"), walk)
                    .orElseThrow().contains("only moves forward"));
        }
    }

    @Test
    void teamConfigPushesAreRefusedWhenNoConfigurationCheckIsConfigured() {
        PushRules config = rulesFor(ALICE, new RepoName("acme", RepoName.CONFIG), null);
        ReceiveCommand ff = new ReceiveCommand(first, second, "refs/heads/main");
        run(config, ff);
        assertEquals(Result.REJECTED_OTHER_REASON, ff.getResult());
        assertTrue(ff.getMessage().contains("does not take configuration pushes"), ff.getMessage());
    }

    @Test
    void aTargetRepositoryNeedsItsTarget() {
        assertThrows(IllegalArgumentException.class, () -> rulesFor(ALICE, new RepoName("acme", "dev"), null));
    }

    private PushRules rules(Principal who, Target target) {
        return rulesFor(who, new RepoName("acme", target.name()), target);
    }

    private PushRules rulesFor(Principal who, RepoName name, Target target) {
        // These rules never reach the review store: every push here is decided by the ref rules or passes them
        ReceiveServices services = new ReceiveServices(new SnapshotCheck(),
                new GitReviewStore(new LocalRepoStore(dir.resolve("repos"), new GcQueue(100, Duration.ofHours(1))),
                        Clock.systemUTC()), MainMovedListener.NONE);
        // the server admin acts as owner of every team; alice is a member
        boolean owner = who instanceof UserPrincipal u && u.admin();
        return new PushRules(who, owner, name, target, services, 1 << 20);
    }

    private void run(PushRules rules, ReceiveCommand... commands) {
        rules.onPreReceive(new ReceivePack(repo), List.of(commands));
    }

    private static void assertRefused(ReceiveCommand cmd, String message) {
        assertEquals(Result.REJECTED_OTHER_REASON, cmd.getResult(), cmd.getRefName());
        assertEquals(message, cmd.getMessage());
    }

    private static Target instance(String name, boolean protectedMain) {
        return target(TargetKind.INSTANCE, name, protectedMain);
    }

    private static Target target(TargetKind kind, String name, boolean protectedMain) {
        return new Target(kind, name, "app", protectedMain, null, null, null, null, Instant.EPOCH);
    }

    private ObjectId commit(ObjectId parent, String message) throws IOException {
        try (ObjectInserter ins = repo.newObjectInserter()) {
            TreeFormatter tree = new TreeFormatter();
            tree.append("README.md", FileMode.REGULAR_FILE,
                    ins.insert(Constants.OBJ_BLOB, message.getBytes(StandardCharsets.UTF_8)));
            CommitBuilder cb = new CommitBuilder();
            cb.setTreeId(ins.insert(tree));
            if (parent != null) {
                cb.setParentId(parent);
            }
            PersonIdent who = new PersonIdent("t", "t@example.com");
            cb.setAuthor(who);
            cb.setCommitter(who);
            cb.setMessage(message);
            ObjectId id = ins.insert(cb);
            ins.flush();
            return id;
        }
    }
}
