package dev.flowstage.hooks.review;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowsMergeTest {
    private final FlowsMerge merge = new FlowsMerge();

    private static final String TAB = "{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Main\"}";
    private static final String INJECT = "{\"id\":\"n1\",\"type\":\"inject\",\"z\":\"t1\",\"wires\":[[\"f1\"]]}";
    private static final String PARSE = "{\"id\":\"f1\",\"type\":\"function\",\"z\":\"t1\",\"name\":\"Parse\",\"func\":\"return msg;\",\"wires\":[[]]}";
    private static final String DEBUG = "{\"id\":\"d1\",\"type\":\"debug\",\"z\":\"t1\"}";

    @Test
    void disjointNodeChangesMergeCleanly() {
        String base = flows(TAB, INJECT, PARSE, DEBUG);
        String ours = flows(TAB, INJECT.replace("\"wires\"", "\"repeat\":\"5\",\"wires\""), PARSE, DEBUG);
        String theirs = flows(TAB, INJECT, PARSE.replace("return msg;", "msg.payload = 1;\\nreturn msg;"), DEBUG);
        FlowsMerge.Result r = merge(base, ours, theirs);
        assertTrue(r.clean(), r.conflicts().toString());
        assertEquals(flows(TAB, INJECT.replace("\"wires\"", "\"repeat\":\"5\",\"wires\""),
                PARSE.replace("return msg;", "msg.payload = 1;\\nreturn msg;"), DEBUG), text(r));
    }

    @Test
    void aNodeChangedDifferentlyOnBothSidesIsAConflictNamingIt() {
        String base = flows(TAB, INJECT, PARSE);
        String ours = flows(TAB, INJECT, PARSE.replace("return msg;", "return null;"));
        String theirs = flows(TAB, INJECT, PARSE.replace("return msg;", "return [msg, msg];"));
        FlowsMerge.Result r = merge(base, ours, theirs);
        assertFalse(r.clean());
        assertNull(r.flows());
        assertEquals(List.of("node \"f1\" (function \"Parse\") changed on both sides"), r.conflicts());
    }

    @Test
    void removalOnOneSideAndEditOnTheOtherIsAConflict() {
        String base = flows(TAB, INJECT, PARSE);
        FlowsMerge.Result r = merge(base, flows(TAB, INJECT), flows(TAB, INJECT, PARSE.replace("Parse", "Parse it")));
        assertEquals(List.of("node \"f1\" (function \"Parse\") removed on main and changed in the review"), r.conflicts());
    }

    @Test
    void additionsAndRemovalsFromBothSidesAreKeptInPlace() {
        String base = flows(TAB, INJECT, PARSE, DEBUG);
        String added = "{\"id\":\"x1\",\"type\":\"change\",\"z\":\"t1\"}";
        String ours = flows(TAB, INJECT, PARSE);                 // main removed the debug node
        String theirs = flows(TAB, INJECT, added, PARSE, DEBUG); // the review added a change node after the inject
        FlowsMerge.Result r = merge(base, ours, theirs);
        assertTrue(r.clean(), r.conflicts().toString());
        assertEquals(flows(TAB, INJECT, added, PARSE), text(r));
    }

    @Test
    void theSameChangeOnBothSidesIsNoConflictEvenWhenWrittenDifferently() {
        String base = flows(TAB, PARSE);
        String changed = PARSE.replace("Parse", "Parse v2");
        String respaced = changed.replace(",", ", ");
        FlowsMerge.Result r = merge(base, flows(TAB, changed), flows(TAB, respaced));
        assertTrue(r.clean(), r.conflicts().toString());
        assertEquals(flows(TAB, changed), text(r));
    }

    @Test
    void nodeRedsPrettyFormatIsKept() {
        String base = "[\n    {\n        \"id\": \"t1\",\n        \"type\": \"tab\"\n    }\n]\n";
        String theirs = "[\n    {\n        \"id\": \"t1\",\n        \"type\": \"tab\"\n    },\n    {\n        \"id\": \"n2\",\n"
                + "        \"type\": \"debug\"\n    }\n]\n";
        String ours = "[\n    {\n        \"id\": \"t1\",\n        \"type\": \"tab\",\n        \"label\": \"A\"\n    }\n]\n";
        FlowsMerge.Result r = merge(base, ours, theirs);
        assertTrue(r.clean(), r.conflicts().toString());
        assertEquals("[\n    {\n        \"id\": \"t1\",\n        \"type\": \"tab\",\n        \"label\": \"A\"\n    },\n"
                + "    {\n        \"id\": \"n2\",\n        \"type\": \"debug\"\n    }\n]\n", text(r));
    }

    @Test
    void bothSidesAddingTheSameIdDifferentlyIsAConflict() {
        FlowsMerge.Result r = merge(flows(TAB), flows(TAB, DEBUG), flows(TAB, DEBUG.replace("debug", "inject")));
        assertEquals(List.of("node \"d1\" (debug) added differently on both sides"), r.conflicts());
    }

    @Test
    void aFileAbsentInTheBaseMergesFromNothing() {
        FlowsMerge.Result r = merge(null, flows(TAB), flows(TAB, DEBUG));
        assertTrue(r.clean(), r.conflicts().toString());
        assertEquals(flows(TAB, DEBUG), text(r));
    }

    private FlowsMerge.Result merge(String base, String ours, String theirs) {
        return merge.merge(bytes(base), bytes(ours), bytes(theirs));
    }

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(FlowsMerge.Result r) {
        return new String(r.flows(), StandardCharsets.UTF_8);
    }

    /** Compact, one node per line, like a hand-written file. */
    private static String flows(String... nodes) {
        return "[\n" + String.join(",\n", nodes) + "\n]\n";
    }
}
