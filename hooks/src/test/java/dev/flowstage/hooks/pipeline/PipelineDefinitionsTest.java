package dev.flowstage.hooks.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.repo.RepoName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineDefinitionsTest {
    @TempDir
    Path dir;
    private PipelineFixture f;
    private TeamConfig acme;

    @BeforeEach
    void setUp() throws Exception {
        f = new PipelineFixture(dir);
        acme = f.teams.team("acme").orElseThrow();
    }

    @AfterEach
    void tearDown() {
        f.close();
    }

    @Test
    void theSpecExampleShapeIsAccepted() {
        acme = f.teams.edit("acme", "olga", "group", c -> c.withTarget("line-1-pis", new dev.flowstage.storage.meta.Target(
                dev.flowstage.storage.meta.TargetKind.GROUP, "line-1-pis", "factory", false, null, null, null, null,
                java.time.Instant.EPOCH)));
        List<String> problems = PipelineValidator.validate(acme, PipelineFixture.json("{\"name\":\"line-1\","
                + "\"application\":\"factory\",\"concurrency\":\"queue\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\",\"action\":\"create_snapshot\"},"
                + "{\"name\":\"qa\",\"instance\":\"qa\",\"action\":\"use_latest_snapshot\",\"trigger\":{\"onPush\":true,"
                + "\"paths\":[\"flows.json\"],\"skipMarker\":\"[skip deploy]\"}},"
                + "{\"name\":\"review\",\"git\":{\"integration\":\"github\",\"url\":\"https://example.test/acme/flows.git\","
                + "\"branch\":\"staging\",\"pullBranch\":\"main\",\"filename\":\"line-1/flows.json\"}},"
                + "{\"name\":\"prod\",\"instance\":\"prod\",\"action\":\"prompt_snapshot\",\"deployToDevices\":true,"
                + "\"approval\":{\"required\":2}},{\"name\":\"fleet\",\"group\":\"line-1-pis\"}]}"));
        assertEquals(List.of(), problems);
    }

    @Test
    void anSshGitStageNeedsItsKeyAndKnownHostsAsSecretReferences() {
        String before = "{\"name\":\"p\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},"
                + "{\"name\":\"repo\",\"git\":{\"url\":\"ssh://git@example.test/acme/flows.git\",\"branch\":\"main\"";
        assertEquals(List.of("stage 'repo': git.ssh is required for an ssh URL (ssh:// or USER@HOST:PATH): {\"key\": \"secret:PATH\", \"knownHosts\": \"LINE\"}"),
                problems(before + "}}]}"));
        assertEquals(List.of("stage 'repo': git.ssh.key and ssh.passphrase must be secret references (secret:PATH)"),
                problems(before + ",\"ssh\":{\"key\":\"-----BEGIN KEY\",\"knownHosts\":\"example.test ssh-ed25519 AAAA\"}}}]}"));
        assertEquals(List.of(), problems(before
                + ",\"ssh\":{\"key\":\"secret:k\",\"knownHosts\":\"example.test ssh-ed25519 AAAA\"}}}]}"));
    }

    @Test
    void anScpLikeUrlIsAnSshUrlAndAProtocolMustMatchTheUrl() {
        String ssh = ",\"ssh\":{\"key\":\"secret:k\",\"knownHosts\":\"example.test ssh-ed25519 AAAA\"}";
        String head = "{\"name\":\"p\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"repo\",\"git\":{";
        assertEquals(List.of(), problems(head + "\"url\":\"git@example.test:acme/flows.git\",\"branch\":\"main\"" + ssh + "}}]}"));
        assertEquals(List.of(), problems(head + "\"url\":\"git@example.test:acme/flows.git\",\"protocol\":\"ssh\","
                + "\"branch\":\"main\"" + ssh + "}}]}"));
        assertEquals(List.of("stage 'repo': git.ssh is required for an ssh URL (ssh:// or USER@HOST:PATH): {\"key\":"
                + " \"secret:PATH\", \"knownHosts\": \"LINE\"}"),
                problems(head + "\"url\":\"git@example.test:acme/flows.git\",\"branch\":\"main\"}}]}"));
        assertEquals(List.of("stage 'repo': protocol mismatch: 'protocol' is https but 'url' is an ssh URL"),
                problems(head + "\"url\":\"git@example.test:acme/flows.git\",\"protocol\":\"https\","
                        + "\"integration\":\"gh\",\"branch\":\"main\"" + ssh + "}}]}"));
        assertEquals(List.of("stage 'repo': protocol mismatch: 'protocol' is ssh but 'url' is an https URL"),
                problems(head + "\"url\":\"https://example.test/acme/flows.git\",\"protocol\":\"ssh\","
                        + "\"integration\":\"gh\",\"branch\":\"main\"" + ssh + "}}]}"));
        assertEquals(List.of("stage 'repo': git.'protocol' must be https or ssh"),
                problems(head + "\"url\":\"https://example.test/acme/flows.git\",\"protocol\":\"git\","
                        + "\"integration\":\"gh\",\"branch\":\"main\"}}]}"));
        assertEquals(List.of("stage 'repo': git.url is not a Git URL: it must be an https:// URL, an ssh:// URL or"
                + " USER@HOST:PATH (for example git@github.com:acme/flows.git)"),
                problems(head + "\"url\":\"git@example.test\",\"integration\":\"gh\",\"branch\":\"main\"}}]}"));
        assertEquals(List.of("stage 'repo': git.url must name a repository: a path after the host"),
                problems(head + "\"url\":\"git@example.test:\",\"branch\":\"main\"" + ssh + "}}]}"));
    }

    @Test
    void eachMistakeIsNamedClearly() {
        assertEquals(List.of("stage 'qa': instance 'qa2' does not exist in team acme"),
                problems("{\"name\":\"p\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"qa\",\"instance\":\"qa2\"}]}"));
        assertEquals(List.of("stage 'dev': action 'use_active_snapshot' is not allowed for a instance stage: use one of"
                + " create_snapshot, use_latest_snapshot, prompt_snapshot"),
                problems("{\"name\":\"p\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\",\"action\":\"use_active_snapshot\"},"
                        + "{\"name\":\"qa\",\"instance\":\"qa\"}]}"));
        assertEquals(List.of("stage name 'dev' is used twice: stages are addressed by name"),
                problems("{\"name\":\"p\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"dev\",\"instance\":\"qa\"}]}"));
        assertEquals(List.of("stage 'again': instance 'dev' is already the target of stage 'dev': a target can appear"
                + " once in a pipeline"),
                problems("{\"name\":\"p\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"again\",\"instance\":\"dev\"}]}"));
        assertEquals(List.of("stage 'qa': is the last stage, so nothing comes after it to deploy to and it takes no"
                + " action: remove 'action' or add a stage after it"),
                problems("{\"name\":\"p\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},"
                        + "{\"name\":\"qa\",\"instance\":\"qa\",\"action\":\"use_latest_snapshot\"}]}"));
        assertEquals(List.of("stage 'qa': 'approval.required' must be a whole number of at least 1"),
                problems("{\"name\":\"p\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},"
                        + "{\"name\":\"qa\",\"instance\":\"qa\",\"approval\":{\"required\":0}}]}"));
        assertEquals(List.of("'concurrency' must be one of allow, queue, forbid, not 'parallel'"),
                problems("{\"name\":\"p\",\"concurrency\":\"parallel\",\"stages\":[]}"));
        assertEquals(List.of("stage 'x': has 'instance' and 'group': a stage has exactly one target"),
                problems("{\"name\":\"p\",\"stages\":[{\"name\":\"x\",\"instance\":\"dev\",\"group\":\"g\"}]}"));
        assertEquals(List.of("stage 'fleet': action 'prompt_snapshot' is not allowed for a group stage (a group stage"
                + " deploys its current main): remove 'action'", "stage 'z': group 'z' does not exist in team acme"),
                problems("{\"name\":\"p\",\"stages\":[{\"name\":\"fleet\",\"group\":\"qa\",\"action\":\"prompt_snapshot\"},"
                        + "{\"name\":\"z\",\"group\":\"z\"}]}").subList(1, 3));
        assertEquals(List.of("application 'nope' does not exist in team acme"),
                problems("{\"name\":\"p\",\"application\":\"nope\",\"stages\":[]}"));
        assertEquals(List.of("stage 'dev': unknown field 'instanse'",
                "stage 'dev': needs one of 'instance', 'device', 'group' or 'git' to say what it deploys to"),
                problems("{\"name\":\"p\",\"stages\":[{\"name\":\"dev\",\"instanse\":\"dev\"}]}"));
        assertEquals(List.of("stage 'dev': trigger.'schedule': cron expression '60 2 * * 1-5': minute '60' is out of"
                + " range 0-59"),
                problems("{\"name\":\"p\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\","
                        + "\"trigger\":{\"schedule\":\"60 2 * * 1-5\"}},{\"name\":\"qa\",\"instance\":\"qa\"}]}"));
        assertEquals(List.of("stage 'dev': trigger.'schedule': cron expression '0 2 * *' must have 5 fields (minute"
                + " hour day-of-month month day-of-week), not 4"),
                problems("{\"name\":\"p\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\","
                        + "\"trigger\":{\"schedule\":\"0 2 * *\"}},{\"name\":\"qa\",\"instance\":\"qa\"}]}"));
    }

    @Test
    void aRolloutWithBadWavesOrLimitsIsRefusedWithTheReason() {
        acme = f.teams.edit("acme", "olga", "group", c -> c.withTarget("pis", new dev.flowstage.storage.meta.Target(
                dev.flowstage.storage.meta.TargetKind.GROUP, "pis", "factory", false, null, null, null, null,
                java.time.Instant.EPOCH)));
        String in = "stage 'pis': rollout.";
        assertEquals(List.of(), rollout("{\"waves\":[5,25,100],\"waitForRunning\":600,\"abortOnFailurePercent\":0}"));
        assertEquals(List.of(in + "'waves' must end at 100 so that the last wave reaches every device, not at 50,"
                + " such as [5, 25, 100]"), rollout("{\"waves\":[10,50]}"));
        assertEquals(List.of(in + "'waves' must rise (each wave is the cumulative share of devices): 25 follows 50"),
                rollout("{\"waves\":[50,25,100]}"));
        assertEquals(List.of(in + "'waves' must rise (each wave is the cumulative share of devices): 50 follows 50"),
                rollout("{\"waves\":[50,50,100]}"));
        assertEquals(List.of(in + "'waves' holds percentages from 1 to 100: 0 is out of range"),
                rollout("{\"waves\":[0,100]}"));
        assertEquals(List.of(in + "'waves' holds percentages from 1 to 100: 150 is out of range"),
                rollout("{\"waves\":[50,150]}"));
        assertEquals(List.of(in + "'waves' holds whole percentages, such as [5, 25, 100]: 12.5 is not one"),
                rollout("{\"waves\":[12.5,100]}"));
        assertEquals(List.of(in + "'waves' is required: a list of rising percentages of the group's devices ending at"
                + " 100, such as [5, 25, 100]"), rollout("{\"waves\":[]}"));
        assertEquals(List.of(in + "'waitForRunning' must be a whole number of at least 1"),
                rollout("{\"waves\":[100],\"waitForRunning\":0}"));
        assertEquals(List.of(in + "'waitForRunning' is seconds to wait for a wave's devices, at most 86400 (a day),"
                + " not 100000"), rollout("{\"waves\":[100],\"waitForRunning\":100000}"));
        assertEquals(List.of(in + "'abortOnFailurePercent' is a percentage from 0 to 100, not 101"),
                rollout("{\"waves\":[100],\"abortOnFailurePercent\":101}"));
        assertEquals(List.of(in + "'abortOnFailurePercent' must be a whole number of at least 0"),
                rollout("{\"waves\":[100],\"abortOnFailurePercent\":-1}"));
        assertEquals(List.of(in + "unknown field 'wave'", in + "'waves' is required: a list of rising percentages of"
                + " the group's devices ending at 100, such as [5, 25, 100]"), rollout("{\"wave\":[100]}"));
        assertEquals(List.of("stage 'qa': 'rollout' is for group stages only"), problems("{\"name\":\"p\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"qa\",\"instance\":\"qa\",\"rollout\":{\"waves\":[100]}}]}"));
    }

    private List<String> rollout(String rollout) {
        return problems("{\"name\":\"p\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"},"
                + "{\"name\":\"pis\",\"group\":\"pis\",\"rollout\":" + rollout + "}]}");
    }

    @Test
    void everyApiChangeIsOneCommitInTheConfigRepo() throws Exception {
        int before = commits();
        Pipeline p = f.pipelines.create("acme", "olga", PipelineFixture.json("{\"name\":\"line-1\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\"},{\"name\":\"prod\",\"instance\":\"prod\"}]}"));
        assertNotNull(p.sealedWebhookSecret());
        assertTrue(f.pipelines.webhookSecret(p).orElseThrow().length() >= 20);
        assertEquals(before + 1, commits());
        String file = new String(f.teams.team("acme").orElseThrow().extraFiles().get("pipelines/line-1.json"),
                StandardCharsets.UTF_8);
        assertTrue(file.contains("\"sealedSecret\""), file);
        assertTrue(!file.contains(f.pipelines.webhookSecret(p).orElseThrow()), "the secret is stored sealed only");

        Pipeline inserted = f.pipelines.addStage("acme", "olga", "line-1",
                PipelineFixture.json("{\"name\":\"qa\",\"instance\":\"qa\"}"), null, "prod");
        assertEquals(List.of("dev", "qa", "prod"), names(inserted));
        assertEquals(before + 2, commits());
        MetaInvalidException bad = assertThrows(MetaInvalidException.class, () -> f.pipelines.addStage("acme", "olga",
                "line-1", PipelineFixture.json("{\"name\":\"lab\",\"instance\":\"lab\"}"), 0, null));
        assertEquals("stage 'lab': instance 'lab' does not exist in team acme", bad.getMessage());
        assertEquals(List.of("dev", "qa", "prod"), names(f.pipelines.get("acme", "line-1").orElseThrow()));
        assertEquals(before + 2, commits(), "a rejected change commits nothing");
    }

    @Test
    void stageInsertReorderAndRemoveKeepTheLastStageWithoutAction() {
        f.pipelines.create("acme", "olga", PipelineFixture.json("{\"name\":\"line-1\",\"stages\":["
                + "{\"name\":\"dev\",\"instance\":\"dev\",\"action\":\"prompt_snapshot\"},{\"name\":\"qa\",\"instance\":\"qa\"}]}"));
        Pipeline appended = f.pipelines.addStage("acme", "olga", "line-1",
                PipelineFixture.json("{\"name\":\"prod\",\"instance\":\"prod\"}"), null, null);
        assertEquals(List.of("dev", "qa", "prod"), names(appended));
        assertEquals("use_latest_snapshot", appended.stage("qa").orElseThrow().effectiveAction());

        Pipeline reordered = f.pipelines.reorder("acme", "olga", "line-1", List.of("qa", "prod", "dev"));
        assertEquals(List.of("qa", "prod", "dev"), names(reordered));
        assertEquals(null, reordered.stage("dev").orElseThrow().action(), "the new last stage lost its action");

        MetaInvalidException bad = assertThrows(MetaInvalidException.class,
                () -> f.pipelines.reorder("acme", "olga", "line-1", List.of("qa", "dev")));
        assertEquals("'order' must name each stage of pipeline 'line-1' exactly once: qa, prod, dev", bad.getMessage());

        assertEquals(List.of("qa", "dev"), names(f.pipelines.removeStage("acme", "olga", "line-1", "prod")));
        assertThrows(MetaNotFoundException.class, () -> f.pipelines.removeStage("acme", "olga", "line-1", "prod"));
        MetaInvalidException pos = assertThrows(MetaInvalidException.class, () -> f.pipelines.addStage("acme", "olga",
                "line-1", PipelineFixture.json("{\"name\":\"prod\",\"instance\":\"prod\"}"), 7, null));
        assertEquals("position must be from 0 to 2, not 7", pos.getMessage());
    }

    @Test
    void replaceKeepsTheWebhookSecretAndRefusesRenamesAndDuplicates() {
        Pipeline created = f.pipeline("{\"name\":\"line-1\",\"stages\":[]}");
        Pipeline replaced = f.pipelines.replace("acme", "olga", "line-1", PipelineFixture.json(
                "{\"name\":\"line-1\",\"concurrency\":\"forbid\",\"stages\":[{\"name\":\"dev\",\"instance\":\"dev\"}]}"));
        assertEquals(created.sealedWebhookSecret(), replaced.sealedWebhookSecret());
        assertEquals(Concurrency.FORBID, replaced.concurrency());
        assertThrows(MetaConflictException.class, () -> f.pipeline("{\"name\":\"line-1\",\"stages\":[]}"));
        MetaInvalidException rename = assertThrows(MetaInvalidException.class, () -> f.pipelines.replace("acme",
                "olga", "line-1", PipelineFixture.json("{\"name\":\"line-2\",\"stages\":[]}")));
        assertEquals("'name' is 'line-2' but the pipeline is 'line-1': pipelines cannot be renamed", rename.getMessage());
        f.pipelines.delete("acme", "olga", "line-1");
        assertTrue(f.pipelines.get("acme", "line-1").isEmpty());
        assertThrows(MetaNotFoundException.class, () -> f.pipelines.delete("acme", "olga", "line-1"));
    }

    @Test
    void configFilesAreCheckedWithTheSameMessagesPrefixedByThePath() {
        TeamConfig pushed = acme
                .withExtraFile("pipelines/line-1.json", ("{\"name\":\"line-1\",\"stages\":[{\"name\":\"dev\","
                        + "\"instance\":\"dev\"},{\"name\":\"qa\",\"instance\":\"nowhere\"}]}").getBytes(StandardCharsets.UTF_8))
                .withExtraFile("pipelines/other.json", "{\"name\":\"line-9\"}".getBytes(StandardCharsets.UTF_8))
                .withExtraFile("pipelines/broken.json", "{".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("pipelines/broken.json: not valid JSON",
                "pipelines/line-1.json: stage 'qa': instance 'nowhere' does not exist in team acme",
                "pipelines/other.json: 'name' must be 'other', the file's name"), PipelineValidator.validateFiles(pushed));
    }

    private List<String> problems(String json) {
        return PipelineValidator.validate(acme, PipelineFixture.json(json));
    }

    private static List<String> names(Pipeline p) {
        return p.stages().stream().map(Stage::name).toList();
    }

    private int commits() throws Exception {
        try (Repository repo = f.repos.open(new RepoName("acme", RepoName.CONFIG)); RevWalk walk = new RevWalk(repo)) {
            walk.markStart(walk.parseCommit(repo.resolve("refs/heads/main")));
            int n = 0;
            while (walk.next() != null) {
                n++;
            }
            return n;
        }
    }
}
