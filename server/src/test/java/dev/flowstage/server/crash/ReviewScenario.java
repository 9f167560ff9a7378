package dev.flowstage.server.crash;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.server.testing.ApiClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Review approvals: deploys into the protected instance prod wait for approval; a round approves the
 * waiting run's review (making one first when none waits). The kill window is twice one approval,
 * so kills land before, during and just after it.
 */
final class ReviewScenario implements Scenario {
    private static final String BASE = "/api/v1/teams/" + CrashRig.TEAM;
    private final Set<String> deployed = ConcurrentHashMap.newKeySet();
    /** Runs whose approval the API answered 200 for. */
    private final Set<String> approved = ConcurrentHashMap.newKeySet();
    private WorkClone dev;
    /** The run waiting for approval and its review id, or null. */
    private volatile String[] waiting;

    @Override
    public double window() {
        return 2.0;
    }

    @Override
    public void setup(CrashRig rig) throws Exception {
        Setup.teamAndApplication(rig);
        Setup.instance(rig, "dev", false);
        Setup.instance(rig, "prod", true);
        Setup.pipeline(rig, "r", "allow", "dev", "prod");
        dev = WorkClone.create(rig, "dev");
    }

    @Override
    public void prepare(CrashRig rig, int mode) throws Exception {
        if (waiting != null) {
            JsonNode run = rig.admin.expect(200, "GET", BASE + "/pipelines/r/runs/" + waiting[0], null).json();
            if (!run.path("status").asText().equals("awaiting_approval")) {
                waiting = null;
            }
        }
        if (waiting == null) {
            makeWaitingRun(rig);
        }
    }

    /** Pushes a new snapshot to dev, deploys it and waits for the run to await approval. */
    private void makeWaitingRun(CrashRig rig) throws Exception {
        dev.commitFlows();
        if (!dev.push()) {
            return;
        }
        ApiClient.Response r = rig.call(202, "POST", BASE + "/pipelines/r/stages/dev/deploy", "{}");
        if (r == null || r.status() != 202) {
            return;
        }
        String id = r.json().path("run").path("id").asText();
        deployed.add(id);
        for (int i = 0; i < 600; i++) {
            JsonNode run;
            try {
                run = rig.admin.get(BASE + "/pipelines/r/runs/" + id).json();
            } catch (RuntimeException serverGone) {
                return;
            }
            String status = run.path("status").asText();
            if (status.equals("awaiting_approval") && run.path("reviewId").isNumber()) {
                waiting = new String[] {id, run.path("reviewId").asText()};
                return;
            }
            if (!status.equals("queued") && !status.equals("running")) {
                rig.anomaly(System.nanoTime(), "deploy into protected prod ended " + status + ": " + run);
                return;
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void round(CrashRig rig, int mode) throws Exception {
        if (waiting == null) {
            makeWaitingRun(rig);
        }
        String[] w = waiting;
        if (w == null) {
            return;
        }
        ApiClient.Response r = rig.call(200, "POST", BASE + "/reviews/" + w[1] + "/approve", "{}");
        if (r != null && r.status() == 200) {
            approved.add(w[0]);
            waiting = null;
        }
    }

    @Override
    public List<String> verify(CrashRig rig) throws Exception {
        List<JsonNode> runs = Invariants.settledRuns(rig, "r");
        List<String> problems = new ArrayList<>(Invariants.runStates(runs));
        problems.addAll(Invariants.acknowledgedRuns(runs, deployed));
        problems.addAll(Invariants.promotions(rig, "dev", "prod", runs));
        Map<String, JsonNode> byId = new HashMap<>();
        runs.forEach(r -> byId.put(r.path("id").asText(), r));
        for (String id : approved) {
            JsonNode run = byId.get(id);
            if (run == null || !run.path("status").asText().equals("succeeded")) {
                problems.add("approval of run " + id + " was acknowledged (200) but the run is " + run);
            }
        }
        for (JsonNode review : rig.listAll(BASE + "/reviews")) {
            String runId = review.path("runId").asText(null);
            JsonNode run = runId == null ? null : byId.get(runId);
            if (run == null) {
                continue;
            }
            String state = review.path("state").asText();
            String status = run.path("status").asText();
            boolean consistent = switch (state) {
                case "merged" -> status.equals("succeeded")
                        && review.path("mergedCommit").asText().equals(run.path("targetAfter").asText());
                case "open" -> status.equals("awaiting_approval");
                default -> !status.equals("awaiting_approval") && !status.equals("succeeded");
            };
            if (!consistent) {
                problems.add("review " + review.path("id").asText() + " is " + state + " but its run " + runId + " is "
                        + status + ": " + review + " / " + run);
            }
        }
        problems.addAll(dev.checkAcknowledged());
        return problems;
    }
}
