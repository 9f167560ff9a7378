package dev.flowstage.hooks.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.storage.snapshot.testing.ExampleFlows;
import dev.flowstage.storage.snapshot.testing.NpmTestCache;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * FlowDiff over real flows written by others (the examples published with Node-RED and popular node
 * packages): each example against itself, and against copies with one known mutation each.
 */
class FlowDiffExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EDIT_MARK = "// edited by the flowstage test";
    private final FlowDiff diff = new FlowDiff();

    @TestFactory
    Stream<DynamicNode> everyExampleAgainstItselfAndMutatedCopies() {
        return ExampleFlows.all().stream().map(example -> {
            ArrayNode flows = read(example.content());
            List<DynamicNode> tests = new ArrayList<>();
            tests.add(DynamicTest.dynamicTest("against itself", () ->
                    assertTrue(diff.compare(example.content(), example.content(), null, null, null, null).isEmpty())));
            if (!flows.isEmpty()) {
                tests.add(DynamicTest.dynamicTest("property changed", () -> propertyChanged(flows)));
                tests.add(DynamicTest.dynamicTest("node deleted", () -> nodeDeleted(flows)));
                tests.add(DynamicTest.dynamicTest("node added", () -> nodeAdded(flows)));
            }
            pick(flows, n -> n.path("x").isNumber() && n.path("y").isNumber()).ifPresent(i ->
                    tests.add(DynamicTest.dynamicTest("node moved", () -> nodeMoved(flows, i))));
            pick(flows, n -> n.path("wires").isArray() && n.path("wires").path(0).isArray()).ifPresent(i ->
                    tests.add(DynamicTest.dynamicTest("node rewired", () -> nodeRewired(flows, i))));
            pick(flows, n -> "function".equals(n.path("type").textValue()) && n.path("func").isTextual()).ifPresent(i ->
                    tests.add(DynamicTest.dynamicTest("function edited", () -> functionEdited(flows, i))));
            return DynamicContainer.dynamicContainer(example.name(), tests);
        });
    }

    @Test
    void theExamplesExerciseEveryMutation() {
        List<ArrayNode> all = ExampleFlows.all().stream().map(e -> read(e.content())).toList();
        assertTrue(all.size() >= 60, all.size() + " examples");
        assertTrue(all.stream().filter(f -> pick(f, n -> "function".equals(n.path("type").textValue())).isPresent())
                .count() >= 10, "too few examples with function nodes");
        assertTrue(all.stream().filter(f -> pick(f, n -> n.path("wires").path(0).isArray()).isPresent())
                .count() >= 50, "too few examples with wires");
        assertTrue(all.stream().filter(f -> pick(f, n -> "subflow".equals(n.path("type").textValue())).isPresent())
                .count() >= 1, "no example with a subflow");
    }

    @Test
    void twoPublishedVersionsOfAnExample() throws Exception {
        Path old = NpmTestCache.unpack("@node-red/nodes@3.1.0").resolve("examples");
        Path now = NpmTestCache.unpack("@node-red/nodes@5.0.7").resolve("examples");

        String range = "function/range/01 - Scale input value.json";
        FlowDiffResult r = diff.compare(Files.readAllBytes(old.resolve(range)), Files.readAllBytes(now.resolve(range)),
                null, null, null, null);
        assertEquals(new FlowDiffResult.Counts(0, 0, 1, 0, 0), r.counts(), r.summary());
        NodeChange node = r.nodes().get(0);
        assertEquals("range", node.type());
        assertEquals(List.of("property"), node.properties());

        // Node-RED re-created this example with new ids: everything old is removed, everything new added.
        String link = "common/link/03 - Link call.json";
        byte[] before = Files.readAllBytes(old.resolve(link));
        byte[] after = Files.readAllBytes(now.resolve(link));
        FlowDiffResult l = diff.compare(before, after, null, null, null, null);
        assertEquals(new FlowDiffResult.Counts(read(after).size(), read(before).size(), 0, 0, 0), l.counts());
    }

    private void propertyChanged(ArrayNode flows) {
        int i = flows.size() / 2;
        ArrayNode mutated = flows.deepCopy();
        ((ObjectNode) mutated.get(i)).put("name", "renamed by the flowstage test");
        NodeChange change = only(flows, mutated, groupOf(flows.get(i)));
        assertEquals(NodeChange.Kind.CHANGED, change.kind());
        assertEquals(flows.get(i).path("id").textValue(), change.id());
        assertEquals(List.of("name"), change.properties());
        assertEquals(List.of(), change.texts());
    }

    private void nodeDeleted(ArrayNode flows) {
        int i = flows.size() / 2;
        ArrayNode mutated = flows.deepCopy();
        mutated.remove(i);
        NodeChange change = only(flows, mutated, groupOf(flows.get(i)));
        assertEquals(NodeChange.Kind.REMOVED, change.kind());
        assertEquals(flows.get(i).path("id").textValue(), change.id());
        assertEquals(flows.get(i).path("type").textValue(), change.type());
    }

    private void nodeAdded(ArrayNode flows) {
        JsonNode neighbour = flows.get(flows.size() / 2);
        ArrayNode mutated = flows.deepCopy();
        ObjectNode added = mutated.addObject().put("id", "flowstage-test-added").put("type", "comment")
                .put("name", "added by the flowstage test");
        if (neighbour.path("z").isTextual()) {
            added.put("z", neighbour.path("z").textValue());
        }
        added.put("x", 10).put("y", 10).putArray("wires");
        NodeChange change = only(flows, mutated, neighbour.path("z").isTextual() ? neighbour.path("z").textValue() : "");
        assertEquals(NodeChange.Kind.ADDED, change.kind());
        assertEquals("flowstage-test-added", change.id());
        assertEquals("comment", change.type());
    }

    private void nodeMoved(ArrayNode flows, int i) {
        ArrayNode mutated = flows.deepCopy();
        ObjectNode node = (ObjectNode) mutated.get(i);
        node.put("x", node.path("x").asDouble() + 40).put("y", node.path("y").asDouble() + 20);
        NodeChange change = only(flows, mutated, groupOf(flows.get(i)));
        assertEquals(NodeChange.Kind.MOVED, change.kind());
        assertEquals(List.of("x", "y"), change.properties());
    }

    private void nodeRewired(ArrayNode flows, int i) {
        ArrayNode mutated = flows.deepCopy();
        ObjectNode node = (ObjectNode) mutated.get(i);
        String target = flows.get(i == 0 ? flows.size() - 1 : 0).path("id").textValue();
        ((ArrayNode) node.get("wires").get(0)).add(target);
        NodeChange change = only(flows, mutated, groupOf(flows.get(i)));
        assertEquals(NodeChange.Kind.REWIRED, change.kind());
        assertEquals(List.of("wires"), change.properties());
        assertEquals(flows.get(i).get("wires"), change.wires().before());
        assertEquals(node.get("wires"), change.wires().after());
    }

    private void functionEdited(ArrayNode flows, int i) {
        ArrayNode mutated = flows.deepCopy();
        ObjectNode node = (ObjectNode) mutated.get(i);
        node.put("func", EDIT_MARK + "\n" + node.get("func").textValue());
        NodeChange change = only(flows, mutated, groupOf(flows.get(i)));
        assertEquals(NodeChange.Kind.CHANGED, change.kind());
        assertEquals(List.of("func"), change.properties());
        assertEquals(1, change.texts().size());
        TextDiff text = change.texts().get(0);
        assertEquals(1, text.linesAdded());
        assertEquals(0, text.linesRemoved());
        assertTrue(text.unified().startsWith("@@ -") && text.unified().contains("\n+" + EDIT_MARK + "\n"), text.unified());
    }

    /** The one change between {@code before} and {@code after}; asserts nothing else is reported. */
    private NodeChange only(ArrayNode before, ArrayNode after, String expectedGroup) {
        FlowDiffResult r = diff.compare(bytes(before), bytes(after), null, null, null, null);
        assertEquals(1, r.counts().total(), r.summary());
        assertTrue(r.modules().isEmpty() && r.env().isEmpty());
        assertEquals(1, r.groups().size(), r.summary());
        assertEquals(expectedGroup, r.groups().get(0).id(), r.summary());
        return r.nodes().get(0);
    }

    private static String groupOf(JsonNode node) {
        String type = node.path("type").asText();
        if (type.equals("tab") || type.equals("subflow")) {
            return node.path("id").textValue();
        }
        return node.path("z").isTextual() ? node.path("z").textValue() : "";
    }

    /** The index of the middle one of the nodes matching {@code test}. */
    private static java.util.Optional<Integer> pick(ArrayNode flows, Predicate<JsonNode> test) {
        List<Integer> matching = IntStream.range(0, flows.size()).filter(i -> test.test(flows.get(i))).boxed().toList();
        return matching.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(matching.get(matching.size() / 2));
    }

    private static ArrayNode read(byte[] content) {
        try {
            return (ArrayNode) JSON.readTree(content);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
