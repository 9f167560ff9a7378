package dev.flowstage.hooks.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.hooks.events.DevicesMovedListener;
import dev.flowstage.hooks.events.MainMovedListener;
import dev.flowstage.hooks.fleet.Fleet;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.storage.repo.RepoName;
import dev.flowstage.storage.run.LogLine;
import dev.flowstage.storage.run.Run;
import dev.flowstage.storage.run.RunStatus;
import dev.flowstage.storage.share.Alternates;
import dev.flowstage.storage.signing.CommitSignatures;
import dev.flowstage.storage.signing.SigningKey;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Device and group stages on the engine: fan-out with shared objects, joins and leaves, signing, device actions. */
class DeviceStagesTest {
    private static final String FLOWS = "[{\"id\":\"n1\",\"type\":\"inject\"}]";

    @TempDir
    Path dir;

    private PipelineFixture f;
    private PipelineEngine engine;
    private SigningKey key;
    private final Map<String, ObjectId> reported = new ConcurrentHashMap<>();
    private final List<DevicesMovedListener.DeviceMove> told = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        f = new PipelineFixture(dir);
        key = SigningKey.loadOrCreate(dir.resolve("signing/key.asc"), "Flowstage test", Instant.now());
        Fleet fleet = new Fleet(f.teams, f.repos, (team, moves, actor) -> told.addAll(moves));
        f.targetListeners.add(fleet);
        engine = new PipelineEngine(f.teams, f.runs, f.reviews, f.repos, f.secrets, f.clock, MainMovedListener.NONE,
                LiveCapture.NONE, 4, new PipelineEngine.Devices(fleet, new CommitSignatures(key, f.clock),
                (team, device) -> Optional.ofNullable(reported.get(device))));
        engine.start();
        f.teams.edit("acme", "olga", "fleet", c -> c.withTarget("pis", target(TargetKind.GROUP, "pis", null, null, null)));
        f.repos.create(new RepoName("acme", "pis")).close();
    }

    @AfterEach
    void tearDown() throws Exception {
        engine.close();
        f.close();
    }

    @Test
    void aGroupDeployPutsTheSignedGroupCommitOnEveryMemberWithoutCopyingObjects() throws Exception {
        devices("pis", null, "pi-1", "pi-2", "pi-3");
        toGroup();
        f.commit("dev", PipelineFixture.flows(FLOWS).with("env.json", "{\"LINE\":\"1\"}"), "dev");

        Run done = deploy("dev");
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        ObjectId group = f.main("pis");
        assertEquals(group.name(), done.targetAfter());
        assertTrue(signed("pis", group), "the group's commit is signed by the server");
        for (String d : List.of("pi-1", "pi-2", "pi-3")) {
            assertEquals(group, f.main(d), d);
            assertEquals(0, ownObjects(d), d + " stores no object of its own");
            Snapshot s = f.snapshot(d, group);
            assertEquals(FLOWS, s.text("flows.json").orElseThrow());
            assertEquals(json("{\"LINE\":\"\"}"), json(s.text("env.json").orElseThrow()), "env keys only: a group has no values yet");
        }
        assertTrue(lines(done).contains("Fan-out: 3 device(s) of group pis: 3 moved to " + group.name().substring(0, 7)),
                lines(done).toString());
        assertEquals(3, told.size());
        assertTrue(told.stream().allMatch(m -> m.newSha().equals(group.name()) && m.oldSha() == null));
    }

    @Test
    void aDeviceThatJoinsGetsTheGroupsCommitAndOneThatLeavesKeepsItsOwnCopy() throws Exception {
        devices("pis", null, "pi-1", "pi-2");
        toGroup();
        f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        deploy("dev");
        ObjectId first = f.main("pis");

        devices("pis", null, "pi-9"); // created as a member
        assertEquals(first, f.main("pi-9"));
        f.teams.edit("acme", "olga", "pi-2 leaves", c -> c.withTarget("pi-2",
                target(TargetKind.DEVICE, "pi-2", null, null, null)));
        Path pi2 = f.repos.path(new RepoName("acme", "pi-2"));
        assertFalse(Files.exists(Alternates.file(pi2)), "pi-2 no longer borrows");
        assertTrue(ownObjects("pi-2") > 0, "pi-2 copied in what its main needs");
        assertEquals(first, f.main("pi-2"));
        assertEquals(PipelineFixture.flows(FLOWS), f.snapshot("pi-2", first));

        f.commit("dev", PipelineFixture.flows("[]"), "dev again");
        Run second = deploy("dev");
        ObjectId next = f.main("pis");
        assertEquals(next, f.main("pi-1"));
        assertEquals(next, f.main("pi-9"));
        assertEquals(first, f.main("pi-2"), "a device that left stays where it was");
        assertTrue(lines(second).contains("Fan-out: 2 device(s) of group pis: 2 moved to " + next.name().substring(0, 7)));

        f.teams.edit("acme", "olga", "pi-2 comes back", c -> c.withTarget("pi-2",
                target(TargetKind.DEVICE, "pi-2", null, "pis", null)));
        assertEquals(next, f.main("pi-2"), "joining by a change of group moves the device to the group's commit");
    }

    @Test
    void rollingBackAGroupDeployPutsTheGroupAndItsDevicesBack() throws Exception {
        devices("pis", null, "pi-1", "pi-2");
        toGroup();
        f.commit("dev", PipelineFixture.flows(FLOWS), "one");
        deploy("dev");
        ObjectId before = f.main("pis");
        f.commit("dev", PipelineFixture.flows("[]"), "two");
        Run second = deploy("dev");

        Run rollback = f.awaitEnd(engine.rollback("acme", "fleet", second.id(), "olga", null).id());
        assertEquals(RunStatus.SUCCEEDED, rollback.status(), rollback.toString());
        ObjectId back = f.main("pis");
        assertNotEquals(before, back, "a rollback is a new commit");
        assertTrue(signed("pis", back));
        assertEquals(f.snapshot("pis", before), f.snapshot("pis", back));
        assertEquals(back, f.main("pi-1"));
        assertEquals(back, f.main("pi-2"));
        assertTrue(lines(rollback).contains("Fan-out: 2 device(s) of group pis: 2 moved to " + back.name().substring(0, 7)));
    }

    @Test
    void anApprovedGroupDeployFansOutWhenTheReviewIsApproved() throws Exception {
        devices("pis", null, "pi-1", "pi-2");
        f.pipeline("{\"name\":\"fleet\",\"application\":\"factory\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},"
                + "{\"name\":\"pis\",\"group\":\"pis\",\"approval\":{\"required\":1}}]}");
        f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        dev.flowstage.hooks.review.ReviewService reviews = new dev.flowstage.hooks.review.ReviewService(f.reviews,
                f.repos, new dev.flowstage.hooks.access.TeamAccessControl(f.teams), f.clock, MainMovedListener.NONE,
                new CommitSignatures(key, f.clock));
        reviews.addListener(engine);
        Run waiting = f.await(engine.deploy("acme", "fleet", "dev", Optional.empty(), "olga", "api").id(),
                r -> r.status() == RunStatus.AWAITING_APPROVAL);
        assertEquals(null, f.main("pi-1"), "nothing reaches the devices before the approval");

        reviews.approve("acme", waiting.reviewId(), new dev.flowstage.hooks.access.UserPrincipal("oscar", false,
                dev.flowstage.storage.meta.TokenScope.WRITE));
        Run done = f.awaitEnd(waiting.id());
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        ObjectId group = f.main("pis");
        assertTrue(signed("pis", group));
        assertEquals(group, f.main("pi-1"));
        assertEquals(group, f.main("pi-2"));
        assertTrue(lines(done).contains("Fan-out: 2 device(s) of group pis: 2 moved to " + group.name().substring(0, 7)),
                lines(done).toString());
    }

    @Test
    void deployToDevicesSendsTheInstancesSignedCommitToItsConnectedDevices() throws Exception {
        devices(null, "qa", "kiosk-1", "kiosk-2");
        devices(null, null, "loner");
        f.pipeline("{\"name\":\"line\",\"application\":\"factory\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"qa\",\"instance\":\"qa\",\"deployToDevices\":true}]}");
        f.commit("dev", PipelineFixture.flows(FLOWS), "dev");
        Run done = f.awaitEnd(engine.deploy("acme", "line", "dev", Optional.empty(), "olga", "api").id());
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        ObjectId qa = f.main("qa");
        assertTrue(signed("qa", qa));
        assertEquals(qa, f.main("kiosk-1"));
        assertEquals(qa, f.main("kiosk-2"));
        assertEquals(null, f.main("loner"));
        assertEquals(0, ownObjects("kiosk-1"));
        assertTrue(lines(done).contains("deployToDevices: 2 device(s) connected to instance qa: 2 moved to "
                + qa.name().substring(0, 7)), lines(done).toString());
    }

    @Test
    void deviceActionsChooseWhatTheDeviceUploadedOrReportedAndSayWhenThereIsNone() throws Exception {
        devices(null, null, "pi-1");
        f.pipeline("{\"name\":\"up\",\"application\":\"factory\",\"stages\":["
                + "{\"name\":\"pi\",\"device\":\"pi-1\",\"action\":\"use_latest_device_snapshot\"},"
                + "{\"name\":\"qa\",\"instance\":\"qa\"}]}");
        f.pipeline("{\"name\":\"active\",\"application\":\"factory\",\"stages\":["
                + "{\"name\":\"pi\",\"device\":\"pi-1\",\"action\":\"use_active_snapshot\"},"
                + "{\"name\":\"qa\",\"instance\":\"qa\"}]}");
        f.pipeline("{\"name\":\"pick\",\"application\":\"factory\",\"stages\":["
                + "{\"name\":\"pi\",\"device\":\"pi-1\",\"action\":\"prompt_snapshot\"},"
                + "{\"name\":\"qa\",\"instance\":\"qa\"}]}");

        Run none = f.awaitEnd(engine.deploy("acme", "up", "pi", Optional.empty(), "olga", "api").id());
        assertEquals(RunStatus.FAILED, none.status());
        assertEquals("device 'pi-1' has not uploaded a snapshot yet (its refs/heads/device is empty)", none.error());
        Run noReport = f.awaitEnd(engine.deploy("acme", "active", "pi", Optional.empty(), "olga", "api").id());
        assertEquals("device 'pi-1' has not reported running any snapshot yet: use_active_snapshot has nothing"
                + " to deploy", noReport.error());

        ObjectId uploaded = commitOn("pi-1", "refs/heads/device", PipelineFixture.flows(FLOWS));
        Run up = f.awaitEnd(engine.deploy("acme", "up", "pi", Optional.empty(), "olga", "api").id());
        assertEquals(RunStatus.SUCCEEDED, up.status(), up.toString());
        assertEquals(uploaded.name(), up.sourceCommit());
        assertTrue(message("qa", f.main("qa")).contains("Flowstage-Source: acme/pi-1@" + uploaded.name()));

        reported.put("pi-1", uploaded);
        Run active = f.awaitEnd(engine.deploy("acme", "active", "pi", Optional.empty(), "olga", "api").id());
        assertEquals(RunStatus.SUCCEEDED, active.status(), active.toString());
        assertEquals(uploaded.name(), active.sourceCommit());
        reported.put("pi-1", f.main("dev") == null ? f.main("qa") : f.main("dev"));
        Run foreign = f.awaitEnd(engine.deploy("acme", "active", "pi", Optional.empty(), "olga", "api").id());
        assertEquals("device 'pi-1' reports running " + reported.get("pi-1").name()
                + ", which is not one of its snapshots", foreign.error());

        ObjectId qaCommit = f.main("qa");
        assertEquals("snapshot " + qaCommit.name() + " is neither on the main nor on refs/heads/device of device 'pi-1'",
                assertThrows(MetaInvalidException.class, () -> engine.deploy("acme", "pick", "pi",
                        Optional.of(qaCommit.name()), "olga", "api")).getMessage());
        Run picked = f.awaitEnd(engine.deploy("acme", "pick", "pi", Optional.of(uploaded.name()), "olga", "api").id());
        assertEquals(RunStatus.SUCCEEDED, picked.status(), picked.toString());
    }

    @Test
    void deployingIntoADeviceFollowsThePromotionRulesAndIsSigned() throws Exception {
        f.teams.edit("acme", "olga", "solo", c -> c.withTarget("solo", new Target(TargetKind.DEVICE, "solo", "factory",
                false, null, f.secrets.seal("solo-secret"), null, null, Instant.EPOCH)));
        f.repos.create(new RepoName("acme", "solo")).close();
        commitOn("solo", "refs/heads/main", Snapshot.EMPTY.with("flows.json", "[]")
                .with("settings.json", "{\"keep\":true}").with("env.json", "{\"LINE\":\"7\"}"));
        f.pipeline("{\"name\":\"one\",\"application\":\"factory\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"solo\",\"device\":\"solo\"}]}");
        byte[] cred = NodeRedCredentials.encrypt(json("{\"n1\":{\"password\":\"p\"}}"), "dev-secret");
        f.commit("dev", PipelineFixture.flows(FLOWS).with("flows_cred.json", cred)
                .with("env.json", "{\"LINE\":\"1\",\"NEW\":\"x\"}").with("settings.json", "{\"dev\":1}"), "dev");

        Run done = f.awaitEnd(engine.deploy("acme", "one", "dev", Optional.empty(), "olga", "api").id());
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        ObjectId main = f.main("solo");
        assertTrue(signed("solo", main));
        Snapshot s = f.snapshot("solo", main);
        assertEquals("{\"keep\":true}", s.text("settings.json").orElseThrow());
        assertEquals(json("{\"LINE\":\"7\",\"NEW\":\"\"}"), json(s.text("env.json").orElseThrow()));
        assertEquals(json("{\"n1\":{\"password\":\"p\"}}"),
                NodeRedCredentials.read(s.bytes("flows_cred.json").orElseThrow(), "solo-secret"));
        assertTrue(message("solo", main).contains("Flowstage-Run: " + done.id()));
    }

    private void toGroup() {
        f.pipeline("{\"name\":\"fleet\",\"application\":\"factory\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"pis\",\"group\":\"pis\"}]}");
    }

    private Run deploy(String stage) {
        Run done = f.awaitEnd(engine.deploy("acme", "fleet", stage, Optional.empty(), "olga", "api").id());
        assertEquals(RunStatus.SUCCEEDED, done.status(), done.toString());
        return done;
    }

    private void devices(String group, String instance, String... names) throws IOException {
        for (String n : names) {
            f.teams.edit("acme", "olga", "device " + n, c -> c.withTarget(n, target(TargetKind.DEVICE, n, null, group,
                    instance)));
            f.repos.create(new RepoName("acme", n)).close();
        }
    }

    private static Target target(TargetKind kind, String name, String secret, String group, String instance) {
        return new Target(kind, name, "factory", false, null, secret, instance, group, Instant.EPOCH);
    }

    private ObjectId commitOn(String target, String ref, Snapshot s) throws IOException {
        try (Repository repo = f.repos.open(new RepoName("acme", target))) {
            ObjectId parent = repo.resolve(ref);
            PersonIdent who = new PersonIdent("pi", "pi@flowstage");
            ObjectId id = dev.flowstage.storage.snapshot.SnapshotWriter.commit(repo, s,
                    parent == null ? List.of() : List.of(parent), who, who, "from the device");
            RefUpdate ru = repo.updateRef(ref);
            ru.setNewObjectId(id);
            ru.forceUpdate();
            return id;
        }
    }

    private boolean signed(String target, ObjectId commit) throws IOException {
        try (Repository repo = f.repos.open(new RepoName("acme", target))) {
            return CommitSignatures.verify(repo.open(commit).getBytes(), key.publicKey());
        }
    }

    private String message(String target, ObjectId commit) throws IOException {
        try (Repository repo = f.repos.open(new RepoName("acme", target)); RevWalk walk = new RevWalk(repo)) {
            RevCommit c = walk.parseCommit(commit);
            return c.getFullMessage();
        }
    }

    private long ownObjects(String device) throws IOException {
        Path objects = f.repos.path(new RepoName("acme", device)).resolve("objects");
        try (Stream<Path> all = Files.walk(objects)) {
            return all.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("alternates"))
                    .count();
        }
    }

    private static List<String> lines(Run r) {
        return r.log().stream().map(LogLine::message).toList();
    }

    private static ObjectNode json(String text) {
        return (ObjectNode) PipelineFixture.json(text);
    }
}
