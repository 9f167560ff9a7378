package dev.flowstage.storage.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.storage.snapshot.testing.ExampleFlows;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The validator accepts every example flow published with Node-RED and popular node packages. */
class SnapshotValidatorExamplesTest {
    private final SnapshotValidator validator = new SnapshotValidator();

    @TestFactory
    Stream<DynamicTest> acceptsEveryExampleFlow() {
        return ExampleFlows.all().stream().map(example -> DynamicTest.dynamicTest(example.name(),
                () -> assertEquals(List.of(), validator.validate(SnapshotFiles.FLOWS, example.content()))));
    }

    @Test
    void examplesIncludeClipboardExportsWithoutTabs() {
        long withoutTab = ExampleFlows.all().stream()
                .filter(e -> !new String(e.content(), java.nio.charset.StandardCharsets.UTF_8).contains("\"type\": \"tab\"")
                        && !new String(e.content(), java.nio.charset.StandardCharsets.UTF_8).contains("\"type\":\"tab\""))
                .count();
        assertTrue(ExampleFlows.all().size() >= 60, "only " + ExampleFlows.all().size() + " examples");
        assertTrue(withoutTab > 0, "no example without a tab node");
    }
}
