package dev.flowstage.server.crash;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.server.testing.ApiClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Pipeline deploys dev → qa in a queue: each round pushes a new snapshot to dev and deploys it. */
final class PromotionScenario implements Scenario {
    private static final String DEPLOY = "/api/v1/teams/" + CrashRig.TEAM + "/pipelines/p/stages/dev/deploy";
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private WorkClone dev;

    @Override
    public void setup(CrashRig rig) throws Exception {
        Setup.teamAndApplication(rig);
        Setup.instance(rig, "dev", false);
        Setup.instance(rig, "qa", false);
        Setup.pipeline(rig, "p", "queue", "dev", "qa");
        dev = WorkClone.create(rig, "dev");
    }

    @Override
    public void round(CrashRig rig, int mode) throws Exception {
        dev.commitFlows();
        if (!dev.push()) {
            return;
        }
        for (int i = 0; i < 3; i++) {
            ApiClient.Response r = rig.call(202, "POST", DEPLOY, "{}");
            if (r == null || r.status() != 202) {
                return;
            }
            acknowledged.add(r.json().path("run").path("id").asText());
        }
    }

    @Override
    public List<String> verify(CrashRig rig) throws Exception {
        List<JsonNode> runs = Invariants.settledRuns(rig, "p");
        List<String> problems = new ArrayList<>(Invariants.runStates(runs));
        problems.addAll(Invariants.acknowledgedRuns(runs, acknowledged));
        problems.addAll(Invariants.promotions(rig, "dev", "qa", runs));
        problems.addAll(dev.checkAcknowledged());
        return problems;
    }
}
