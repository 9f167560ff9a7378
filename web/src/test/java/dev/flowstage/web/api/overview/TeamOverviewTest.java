package dev.flowstage.web.api.overview;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.devices.DeviceFleet;
import dev.flowstage.hooks.nodered.InstanceStatus;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.web.api.ApiJson;
import dev.flowstage.web.api.PublicUrls;
import dev.flowstage.web.api.targets.TargetView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one-word state per target and the JSON of the overview. */
class TeamOverviewTest {
    private static final ObjectMapper JSON = ApiJson.create();
    private static final PublicUrls URLS = new PublicUrls("https://git.example.test:8443/", "ssh://git@git.example.test:2222");
    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);
    private static final Instant T = Instant.parse("2026-12-02T08:00:00Z");

    @Test
    void anInstanceIsDeployedOnlyWhenItsNodeRedRunsItsMain() {
        assertEquals(TargetState.NONE, TargetState.ofInstance(false, A, null), "no Node-RED linked");
        assertEquals(TargetState.NONE, TargetState.ofInstance(true, null, null), "nothing committed yet");
        assertEquals(TargetState.PENDING, TargetState.ofInstance(true, A, null), "never deployed yet");
        assertEquals(TargetState.DEPLOYED, TargetState.ofInstance(true, A, new InstanceStatus("ok", "deploy", A, A, T, null)));
        assertEquals(TargetState.PENDING, TargetState.ofInstance(true, B, new InstanceStatus("ok", "deploy", A, A, T, null)),
                "main moved on since the last deployment");
        assertEquals(TargetState.ERROR, TargetState.ofInstance(true, B,
                new InstanceStatus("error", "deploy", B, A, T, "node_red_unreachable")));
    }

    @Test
    void aDeviceCountsAsTheGroupSummaryCountsIt() {
        assertEquals(TargetState.OFFLINE, TargetState.ofDevice(new DeviceFleet.DeviceView(A, A, A, "running", null, T, false)));
        assertEquals(TargetState.ERROR, TargetState.ofDevice(new DeviceFleet.DeviceView(A, null, A, "error", "bad", T, true)));
        assertEquals(TargetState.DEPLOYED, TargetState.ofDevice(new DeviceFleet.DeviceView(A, A, A, "running", null, T, true)));
        assertEquals(TargetState.PENDING, TargetState.ofDevice(new DeviceFleet.DeviceView(B, A, A, "running", null, T, true)),
                "still runs the commit before");
        assertEquals(TargetState.PENDING, TargetState.ofDevice(new DeviceFleet.DeviceView(A, A, A, "stopped", null, T, true)));
    }

    @Test
    void aGroupIsDeployedWhenAllItsDevicesAre() {
        assertEquals(TargetState.NONE, TargetState.ofGroup(new DeviceFleet.GroupSummary(0, 0, 0, 0, 0)));
        assertEquals(TargetState.DEPLOYED, TargetState.ofGroup(new DeviceFleet.GroupSummary(3, 0, 0, 0, 3)));
        assertEquals(TargetState.ERROR, TargetState.ofGroup(new DeviceFleet.GroupSummary(2, 0, 1, 0, 3)));
        assertEquals(TargetState.OFFLINE, TargetState.ofGroup(new DeviceFleet.GroupSummary(0, 0, 0, 3, 3)));
        assertEquals(TargetState.PENDING, TargetState.ofGroup(new DeviceFleet.GroupSummary(1, 1, 0, 1, 3)));
    }

    @Test
    void anItemHasTheTargetsFieldsItsCommitAndItsStatusWithoutSecrets() throws Exception {
        Target dev = new Target(TargetKind.INSTANCE, "dev", "line", true, null, "v1:sealed", null, null, T);
        TeamOverview overview = new TeamOverview(List.of(new TeamOverview.Application("line", "the line")),
                List.of(new TeamOverview.Item(TargetView.of("acme", dev, URLS),
                        new TeamOverview.Commit(A, "Line flow", "Flow Developer", T),
                        new TeamOverview.Status("none", null, null, null, null))));
        JsonNode json = JSON.valueToTree(overview);
        JsonNode item = json.get("targets").get(0);
        assertEquals("dev", item.get("name").asText());
        assertTrue(item.get("protected").asBoolean());
        assertEquals("https://git.example.test:8443/git/acme/dev.git", item.get("gitUrl").asText());
        assertEquals("ssh://git@git.example.test:2222/acme/dev.git", item.get("sshUrl").asText());
        assertEquals("{\"id\":\"" + A + "\",\"subject\":\"Line flow\",\"author\":\"Flow Developer\","
                + "\"date\":\"2026-12-02T08:00:00Z\"}", item.get("commit").toString());
        assertEquals("{\"state\":\"none\"}", item.get("status").toString());
        assertEquals("the line", json.get("applications").get(0).get("description").asText());
        assertFalse(json.toString().contains("sealed"), "the credentialSecret never shows");
    }
}
