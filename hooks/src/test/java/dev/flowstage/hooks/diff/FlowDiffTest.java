package dev.flowstage.hooks.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.storage.snapshot.Snapshot;
import dev.flowstage.storage.snapshot.SnapshotFiles;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowDiffTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FlowDiff diff = new FlowDiff();

    private static final String BEFORE = """
            [
              {"id":"t1","type":"tab","label":"Flow 1"},
              {"id":"t2","type":"tab","label":"Flow 2"},
              {"id":"s1","type":"subflow","name":"Retry","in":[],"out":[]},
              {"id":"inj","type":"inject","z":"t1","name":"tick","x":100,"y":40,"wires":[["fn"]]},
              {"id":"fn","type":"function","z":"t1","name":"calc","func":"var a = 1;\\nreturn msg;","outputs":1,"x":300,"y":40,"wires":[["dbg"]]},
              {"id":"dbg","type":"debug","z":"t1","x":500,"y":40,"wires":[]},
              {"id":"sw","type":"switch","z":"t1","x":300,"y":120,"wires":[["dbg"],[]]},
              {"id":"old","type":"comment","z":"t2","name":"gone","x":100,"y":40,"wires":[]},
              {"id":"mv","type":"change","z":"t2","name":"hop","x":100,"y":80,"wires":[[]]},
              {"id":"in-sub","type":"delay","z":"s1","x":100,"y":40,"wires":[[]]},
              {"id":"cfg","type":"mqtt-broker","name":"broker","broker":"localhost"}
            ]""";
    private static final String AFTER = """
            [
              {"id":"t1","type":"tab","label":"Main flow"},
              {"id":"t2","type":"tab","label":"Flow 2"},
              {"id":"s1","type":"subflow","name":"Retry","in":[],"out":[]},
              {"id":"inj","type":"inject","z":"t1","name":"tick","x":140,"y":60,"wires":[["fn"]]},
              {"id":"fn","type":"function","z":"t1","name":"calc","func":"var a = 1;\\nnode.warn(a);\\nreturn msg;","outputs":1,"x":300,"y":40,"wires":[["dbg"]]},
              {"id":"dbg","type":"debug","z":"t1","x":500,"y":40,"wires":[]},
              {"id":"sw","type":"switch","z":"t1","x":300,"y":120,"wires":[[],["dbg"]]},
              {"id":"mv","type":"change","z":"t1","name":"hop","x":100,"y":200,"wires":[[]]},
              {"id":"new","type":"http in","z":"t2","url":"/x","x":100,"y":40,"wires":[[]]},
              {"id":"in-sub","type":"delay","z":"s1","x":100,"y":40,"pauseType":"rate","wires":[[]]},
              {"id":"cfg","type":"mqtt-broker","name":"broker","broker":"mqtt.example.test"},
              {"id":"clip","type":"debug","z":"elsewhere","x":1,"y":2,"wires":[]}
            ]""";

    private FlowDiffResult compare(String before, String after) {
        return diff.compare(bytes(before), bytes(after), null, null, null, null);
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void identicalFlowsHaveNoChanges() {
        FlowDiffResult r = compare(BEFORE, BEFORE);
        assertTrue(r.isEmpty());
        assertEquals("no changes\n", r.summary());
        assertEquals(List.of(), r.groups());
    }

    @Test
    void reordingNodesIsNoChange() {
        JsonNode nodes = readArray(BEFORE);
        StringBuilder reversed = new StringBuilder("[");
        for (int i = nodes.size() - 1; i >= 0; i--) {
            reversed.append(nodes.get(i)).append(i > 0 ? "," : "]");
        }
        assertTrue(compare(BEFORE, reversed.toString()).isEmpty());
    }

    @Test
    void layoutOfTheJsonTextIsNoChange() throws Exception {
        String pretty = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(readArray(BEFORE));
        assertTrue(compare(BEFORE, pretty).isEmpty());
        String reordered = "[{\"type\":\"debug\",\"wires\":[],\"id\":\"n\"}]";
        assertTrue(compare("[{\"id\":\"n\",\"type\":\"debug\",\"wires\":[]}]", reordered).isEmpty());
        // and a real change inside pretty-printed text is still found
        FlowDiffResult r = compare(pretty, AFTER);
        assertEquals(compare(BEFORE, AFTER).groups(), r.groups());
    }

    @Test
    void reportsEveryKindOfChangeGroupedByTab() {
        FlowDiffResult r = compare(BEFORE, AFTER);
        assertEquals(new FlowDiffResult.Counts(2, 1, 5, 1, 1), r.counts());
        assertEquals("""
                nodes: 2 added, 1 removed, 5 changed, 1 moved, 1 rewired
                tab "Main flow" (t1):
                  changed tab "Main flow" (t1): label
                  moved inject "tick" (inj)
                  changed function "calc" (fn): func
                  rewired switch (sw)
                  changed change "hop" (mv): y, z (moved from "Flow 2")
                tab "Flow 2" (t2):
                  added http in (new)
                  removed comment "gone" (old)
                subflow "Retry" (s1):
                  changed delay (in-sub): pauseType
                global configuration:
                  changed mqtt-broker "broker" (cfg): broker
                unknown (elsewhere):
                  added debug (clip)
                """, r.summary());
    }

    @Test
    void functionCodeIsALineDiff() {
        NodeChange fn = node(compare(BEFORE, AFTER), "fn");
        assertEquals(NodeChange.Kind.CHANGED, fn.kind());
        assertEquals(List.of(new TextDiff("func", 1, 0, "@@ -1,2 +1,3 @@\n var a = 1;\n+node.warn(a);\n return msg;\n")),
                fn.texts());
        assertNull(fn.wires());
    }

    @Test
    void oneLineCodeAndMultiLineStringsAreDiffedOtherStringsNot() {
        String before = "[{\"id\":\"f\",\"type\":\"function\",\"func\":\"return msg;\",\"name\":\"a\","
                + "\"sql\":\"select 1\\nfrom t\",\"info\":\"\"}]";
        String after = "[{\"id\":\"f\",\"type\":\"function\",\"func\":\"return null;\",\"name\":\"b\","
                + "\"sql\":\"select 2\\nfrom t\",\"info\":\"# Docs\\nhere\"}]";
        NodeChange f = node(compare(before, after), "f");
        assertEquals(List.of("func", "info", "name", "sql"), f.properties());
        assertEquals(List.of("func", "info", "sql"), f.texts().stream().map(TextDiff::property).toList());
        assertEquals("@@ -1 +1 @@\n-return msg;\n+return null;\n", f.texts().get(0).unified());
        assertEquals("@@ -0,0 +1,2 @@\n+# Docs\n+here\n", f.texts().get(1).unified());
    }

    @Test
    void aFinalNewlineAddedToCodeIsShownAsGitShowsIt() {
        String before = "[{\"id\":\"f\",\"type\":\"function\",\"func\":\"var a = 1;\\nreturn msg;\"}]";
        String after = "[{\"id\":\"f\",\"type\":\"function\",\"func\":\"var a = 1;\\nreturn msg;\\n\"}]";
        assertEquals(List.of(new TextDiff("func", 1, 1,
                "@@ -1,2 +1,2 @@\n var a = 1;\n-return msg;\n\\ No newline at end of file\n+return msg;\n")),
                node(compare(before, after), "f").texts());
    }

    @Test
    void rewiredCarriesWiresBeforeAndAfter() {
        NodeChange sw = node(compare(BEFORE, AFTER), "sw");
        assertEquals(NodeChange.Kind.REWIRED, sw.kind());
        assertEquals(List.of("wires"), sw.properties());
        assertEquals(JSON.valueToTree(List.of(List.of("dbg"), List.of())), sw.wires().before());
        assertEquals(JSON.valueToTree(List.of(List.of(), List.of("dbg"))), sw.wires().after());
    }

    @Test
    void movedOnlyMeansOnlyThePosition() {
        NodeChange inj = node(compare(BEFORE, AFTER), "inj");
        assertEquals(NodeChange.Kind.MOVED, inj.kind());
        assertEquals(List.of("x", "y"), inj.properties());
        // position and wires together are a change, not a move
        String after = BEFORE.replace("\"x\":100,\"y\":40,\"wires\":[[\"fn\"]]", "\"x\":101,\"y\":40,\"wires\":[[]]");
        NodeChange both = node(compare(BEFORE, after), "inj");
        assertEquals(NodeChange.Kind.CHANGED, both.kind());
        assertEquals(List.of("wires", "x"), both.properties());
        assertTrue(both.wires() != null);
    }

    @Test
    void aChangedZIsAMoveToAnotherTab() {
        NodeChange mv = node(compare(BEFORE, AFTER), "mv");
        assertEquals(new NodeChange.GroupRef("t2", "Flow 2"), mv.movedFrom());
        FlowGroupDiff t1 = group(compare(BEFORE, AFTER), "t1");
        assertTrue(t1.nodes().contains(mv));
    }

    @Test
    void groupsNameTabsSubflowsConfigAndUnknownTabs() {
        FlowDiffResult r = compare(BEFORE, AFTER);
        assertEquals(List.of("t1", "t2", "s1", "", "elsewhere"), r.groups().stream().map(FlowGroupDiff::id).toList());
        assertEquals(List.of("tab", "tab", "subflow", "global", "unknown"),
                r.groups().stream().map(FlowGroupDiff::kind).toList());
        assertEquals("Main flow", group(r, "t1").label());
        assertEquals("Retry", group(r, "s1").label());
        assertNull(group(r, "elsewhere").label());
    }

    @Test
    void aRemovedTabKeepsItsLabel() {
        String before = "[{\"id\":\"t9\",\"type\":\"tab\",\"label\":\"Old\"},{\"id\":\"n\",\"type\":\"debug\",\"z\":\"t9\"}]";
        FlowDiffResult r = compare(before, "[]");
        assertEquals(2, r.counts().removed());
        assertEquals(List.of(new FlowGroupDiff("t9", "tab", "Old", List.of(
                new NodeChange(NodeChange.Kind.REMOVED, "t9", "tab", "Old", List.of(), List.of(), null, null),
                new NodeChange(NodeChange.Kind.REMOVED, "n", "debug", null, List.of(), List.of(), null, null)))),
                r.groups());
    }

    @Test
    void absentFlowsCountAsEmpty() {
        FlowDiffResult r = compare(null, "[{\"id\":\"a\",\"type\":\"debug\"}]");
        assertEquals(new FlowDiffResult.Counts(1, 0, 0, 0, 0), r.counts());
        assertTrue(compare(null, null).isEmpty());
    }

    @Test
    void moduleChangesAreListedByName() {
        byte[] before = bytes("{\"name\":\"p\",\"dependencies\":{\"node-red-dashboard\":\"3.6.0\",\"node-red-contrib-a\":\"1.0.0\",\"same\":\"1\"}}");
        byte[] after = bytes("{\"name\":\"q\",\"dependencies\":{\"node-red-dashboard\":\"3.6.6\",\"node-red-node-b\":\"~2.0.0\",\"same\":\"1\"}}");
        FlowDiffResult r = diff.compare(null, null, before, after, null, null);
        assertEquals(List.of(
                new ModuleChange("node-red-contrib-a", "1.0.0", null),
                new ModuleChange("node-red-dashboard", "3.6.0", "3.6.6"),
                new ModuleChange("node-red-node-b", null, "~2.0.0")), r.modules());
        assertEquals(List.of("removed", "changed", "added"), r.modules().stream().map(ModuleChange::change).toList());
        assertEquals("modules: removed node-red-contrib-a 1.0.0; changed node-red-dashboard 3.6.0 -> 3.6.6; "
                + "added node-red-node-b ~2.0.0\n", r.summary());
        assertEquals(List.of(new ModuleChange("x", null, "1")),
                diff.compare(null, null, null, bytes("{\"dependencies\":{\"x\":\"1\"}}"), null, null).modules());
    }

    @Test
    void envChangesNameKeysButNeverValues() throws Exception {
        byte[] before = bytes("{\"API_URL\":\"https://a.example\",\"TOKEN\":\"old-secret-value\",\"GONE\":\"bye\"}");
        byte[] after = bytes("{\"API_URL\":\"https://a.example\",\"TOKEN\":\"new-secret-value\",\"NEW\":\"hello\"}");
        FlowDiffResult r = diff.compare(null, null, null, null, before, after);
        assertEquals(new EnvChanges(List.of("NEW"), List.of("GONE"), List.of("TOKEN")), r.env());
        assertEquals("env: added NEW; removed GONE; changed TOKEN\n", r.summary());
        String json = JSON.writeValueAsString(r);
        for (String value : List.of("secret-value", "hello", "bye", "a.example")) {
            assertFalse(json.contains(value), json);
            assertFalse(r.summary().contains(value));
        }
    }

    @Test
    void comparesSnapshots() {
        Snapshot a = Snapshot.EMPTY.with(SnapshotFiles.FLOWS, BEFORE).with(SnapshotFiles.ENV, "{\"A\":\"1\"}");
        Snapshot b = Snapshot.EMPTY.with(SnapshotFiles.FLOWS, AFTER).with(SnapshotFiles.ENV, "{\"A\":\"2\"}")
                .with(SnapshotFiles.PACKAGE, "{\"dependencies\":{\"m\":\"1\"}}");
        FlowDiffResult r = diff.compare(a, b);
        assertEquals(compare(BEFORE, AFTER).groups(), r.groups());
        assertEquals(List.of("A"), r.env().changed());
        assertEquals(List.of(new ModuleChange("m", null, "1")), r.modules());
    }

    @Test
    void serializesToJson() throws Exception {
        JsonNode json = JSON.readTree(JSON.writeValueAsString(compare(BEFORE, AFTER)));
        assertEquals(2, json.at("/counts/added").intValue());
        JsonNode t1 = json.at("/groups/0");
        assertEquals("tab", t1.path("kind").textValue());
        assertEquals("Main flow", t1.path("label").textValue());
        JsonNode fn = t1.path("nodes").get(2);
        assertEquals("changed", fn.path("kind").textValue());
        assertEquals("rewired", t1.path("nodes").get(3).path("kind").textValue());
        assertEquals("func", fn.at("/texts/0/property").textValue());
        assertTrue(fn.at("/texts/0/unified").textValue().contains("+node.warn(a);"));
        assertTrue(fn.path("wires").isMissingNode(), "null fields are left out");
        assertEquals("dbg", t1.path("nodes").get(3).at("/wires/before/0/0").textValue());
        assertEquals("t2", t1.path("nodes").get(4).at("/movedFrom/id").textValue());
    }

    @Test
    void malformedInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compare("{}", "[]"));
        assertEquals("flows.json (before) is not a JSON array", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> compare("[]", "[1,"));
        assertEquals("flows.json (after) is not valid JSON", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> diff.compare(null, null, bytes("[]"), null, null, null));
        assertEquals("package.json (before) is not a JSON object", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> diff.compare(null, null, null, null, null, bytes("\"x\"")));
        assertEquals("env.json (after) is not a JSON object", e.getMessage());
    }

    @Test
    void readsWhatTheValidatorAccepts() {
        // longer than Jackson's default 20 million character limit for one string
        String big = "x".repeat(21_000_000);
        FlowDiffResult r = compare("[{\"id\":\"t\",\"type\":\"template\",\"template\":\"a\"}]",
                "[{\"id\":\"t\",\"type\":\"template\",\"template\":\"" + big + "\"}]");
        assertEquals(List.of("template"), r.nodes().get(0).properties());
    }

    @Test
    void entriesWithoutStringIdAreNotNodes() {
        assertTrue(compare("[{\"type\":\"x\"},5]", "[{\"id\":7,\"type\":\"y\"}]").isEmpty());
    }

    private static JsonNode readArray(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static NodeChange node(FlowDiffResult r, String id) {
        return r.nodes().stream().filter(n -> n.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id));
    }

    private static FlowGroupDiff group(FlowDiffResult r, String id) {
        return r.groups().stream().filter(g -> g.id().equals(id)).findFirst().orElseThrow(() -> new AssertionError(id));
    }
}
