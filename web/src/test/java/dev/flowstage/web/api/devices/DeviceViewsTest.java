package dev.flowstage.web.api.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.hooks.devices.DeviceFleet;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TargetKind;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.ApiJson;
import dev.flowstage.web.api.PublicUrls;
import dev.flowstage.web.api.targets.TargetView;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The JSON of the device and group views and the watch's parameter rules. */
class DeviceViewsTest {
    private static final ObjectMapper JSON = ApiJson.create();
    private static final PublicUrls URLS = new PublicUrls("https://git.example.test:8443/", "ssh://git@git.example.test:2222");

    @Test
    void aDeviceViewHasTheTargetsFieldsAndItsStatusSideBySideWithNullsShown() throws Exception {
        Target pi = new Target(TargetKind.DEVICE, "pi", "line", false, null, "v1:sealed", null, "hall",
                Instant.parse("2026-12-01T00:00:00Z"));
        JsonNode json = JSON.valueToTree(new DeviceStatusFilter.DeviceWithStatus(TargetView.of("acme", pi, URLS),
                "a".repeat(40), null, null, null, null, null, false));
        assertEquals("pi", json.get("name").asText());
        assertEquals("hall", json.get("group").asText());
        assertEquals("a".repeat(40), json.get("targetCommit").asText());
        assertTrue(json.get("activeCommit").isNull(), "present, and null until the device reports");
        assertTrue(json.get("lastSeen").isNull());
        assertFalse(json.get("online").asBoolean());
        assertFalse(json.toString().contains("sealed"), "the credentialSecret never shows");
    }

    @Test
    void aGroupViewCarriesItsSummary() {
        Target hall = new Target(TargetKind.GROUP, "hall", "line", false, null, null, null, null, Instant.EPOCH);
        JsonNode json = JSON.valueToTree(new DeviceStatusFilter.GroupWithSummary(TargetView.of("acme", hall, URLS),
                new DeviceFleet.GroupSummary(1, 2, 3, 4, 10)));
        assertEquals("group", json.get("kind").asText());
        assertEquals("{\"onTarget\":1,\"behind\":2,\"error\":3,\"offline\":4,\"total\":10}", json.get("summary").toString());
    }

    @Test
    void theWatchTimeoutIsOneTo300SecondsDefaulting30() {
        assertEquals(30, DeviceSelfResource.timeoutSeconds(null));
        assertEquals(30, DeviceSelfResource.timeoutSeconds(""));
        assertEquals(1, DeviceSelfResource.timeoutSeconds("1"));
        assertEquals(300, DeviceSelfResource.timeoutSeconds("300"));
        for (String bad : new String[] {"0", "301", "-1", "1.5", "ten", "99999999999"}) {
            ApiException e = assertThrows(ApiException.class, () -> DeviceSelfResource.timeoutSeconds(bad), bad);
            assertEquals(422, e.status());
            assertEquals("timeout must be a whole number of seconds from 1 to 300, got '" + bad + "'", e.getMessage());
        }
    }
}
