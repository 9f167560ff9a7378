package dev.flowstage.storage.snapshot.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Real Node-RED flows written by others: the example flows shipped in npm packages (Node-RED's own
 * core nodes and a few popular contrib packages), fetched with {@code npm pack} through {@link NpmTestCache}.
 */
public final class ExampleFlows {
    /** Packages whose {@code examples/} folders hold flows, pinned so tests see the same files every run. */
    public static final List<String> PACKAGES = List.of(
            "@node-red/nodes@5.0.7",
            "node-red-contrib-home-assistant-websocket@0.80.3",
            "node-red-node-ui-table@0.4.5",
            "node-red-contrib-uibuilder@7.7.4",
            "node-red-contrib-telegrambot@17.0.6");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static List<Example> cache;

    /** One example flow file: {@code package/path} and its bytes as published. */
    public record Example(String name, byte[] content) {
        @Override
        public String toString() {
            return name;
        }
    }

    private ExampleFlows() {}

    /** Every {@code examples/**}{@code /*.json} file of {@link #PACKAGES} whose content is a JSON array. */
    public static synchronized List<Example> all() {
        if (cache == null) {
            List<Example> found = new ArrayList<>();
            for (String spec : PACKAGES) {
                Path pkg = NpmTestCache.unpack(spec);
                Path examples = pkg.resolve("examples");
                assertTrue(Files.isDirectory(examples), spec + " has no examples folder");
                int before = found.size();
                try (Stream<Path> files = Files.walk(examples)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                        byte[] content = Files.readAllBytes(f);
                        if (JSON.readTree(content).isArray()) {
                            found.add(new Example(spec + "/" + pkg.relativize(f), content));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                assertTrue(found.size() > before, spec + " has no example flows");
            }
            cache = List.copyOf(found);
        }
        return cache;
    }
}
