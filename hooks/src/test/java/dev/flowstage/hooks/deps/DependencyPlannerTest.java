package dev.flowstage.hooks.deps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.snapshot.Snapshot;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dependency plan over the catalog shipped in the jar. */
class DependencyPlannerTest {
    final DependencyPlanner planner = new DependencyPlanner(NodeCatalog.shipped());

    @Test
    void typesNoListedModuleProvidesAreMissingWithTheInstallLine() {
        Snapshot s = Snapshot.EMPTY.with("flows.json", "[{\"id\":\"t\",\"type\":\"tab\"},{\"id\":\"a\",\"type\":\"inject\"},"
                + "{\"id\":\"b\",\"type\":\"ui_button\"},{\"id\":\"c\",\"type\":\"ui_button\"},{\"id\":\"d\",\"type\":\"subflow:x1\"},"
                + "{\"id\":\"e\",\"type\":\"made-up-node\"},{\"id\":\"g\",\"type\":\"group\"}]")
                .with("package.json", "{\"dependencies\":{\"node-red-contrib-x\":\"1.0.0\"}}");

        DependencyPlan p = planner.plan(s);

        assertEquals(Map.of("node-red-contrib-x", "1.0.0"), p.required());
        assertEquals(List.of(new DependencyPlan.MissingType("made-up-node", null, 1),
                new DependencyPlan.MissingType("ui_button", "node-red-dashboard", 2)), p.missing());
        assertEquals("npm install node-red-dashboard", p.npmInstall());
        assertTrue(p.summary().contains("'ui_button' (node-red-dashboard)"), p.summary());
        assertTrue(p.summary().contains("'made-up-node' (no known module)"), p.summary());
    }

    @Test
    void aListedModuleProvidesItsTypes() {
        Snapshot s = Snapshot.EMPTY.with("flows.json", "[{\"id\":\"b\",\"type\":\"ui_button\"},{\"id\":\"a\",\"type\":\"debug\"}]")
                .with("package.json", "{\"dependencies\":{\"node-red-dashboard\":\"3.6.5\"}}");

        DependencyPlan p = planner.plan(s);

        assertTrue(p.complete(), p.summary());
        assertEquals(null, p.npmInstall());
    }
}
