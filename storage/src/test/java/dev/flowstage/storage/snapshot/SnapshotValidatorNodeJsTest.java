package dev.flowstage.storage.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowstage.storage.snapshot.testing.NodeRedRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our syntax error locations agree with Node.js 22's own JSON.parse (what Node-RED uses to read
 * flows.json) wherever it reports a line and column: same line, same column.
 */
class SnapshotValidatorNodeJsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> BROKEN = List.of(
            "[\n  {\"id\":\"a\",\"type\":\"t\"}\n  {\"id\":\"b\"}\n]",
            "[\n  {\"id\":\"a\" \"type\":\"t\"}\n]",
            "[\n  {\"id\":\"a\",}\n]",
            "[\n  {\"id\" \"a\"}\n]",
            "[\n  {\"id\":\"a\"",
            "[\n  {\"id\":\"a\nb\"}\n]",
            "[\n  {\"id\":\"a\"]\n]",
            "[\n  {\"id\":\"\\x\"}\n]",
            "[\n  {\"id\":01}\n]",
            "[{\"id\":-}]",
            "[]]",
            "[]\n[]",
            "[\n  {\"é\":\"日本\", \"x\" 1}\n]",
            "[\r\n  {\"id\":\"a\",\"type\":\"b\"}\r\n  {}\r\n]",
            "{\"flows\":[{\"id\":\"a\"},\n\n    {\"id\":\"b\" \"type\":\"c\"}]}");
    private static final String SCRIPT = """
            const cases = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
            const out = cases.map(c => {
                try { JSON.parse(c); return null; } catch (e) {
                    const m = /\\(line (\\d+) column (\\d+)\\)/.exec(e.message);
                    return m ? [Number(m[1]), Number(m[2])] : e.message;
                }
            });
            console.log(JSON.stringify(out));
            """;

    @TempDir
    Path dir;

    @Test
    void lineAndColumnMatchNodeJs() throws Exception {
        Path cases = dir.resolve("cases.json");
        Files.writeString(cases, JSON.writeValueAsString(BROKEN));
        Path script = dir.resolve("parse.js");
        Files.writeString(script, SCRIPT);
        Process p = new ProcessBuilder(NodeRedRunner.node().toString(), script.toString(), cases.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        JsonNode results = JSON.readTree(output);

        SnapshotValidator validator = new SnapshotValidator();
        for (int i = 0; i < BROKEN.size(); i++) {
            JsonNode node = results.get(i);
            assertTrue(node.isArray(), "Node.js gave no location for case " + i + ": " + node);
            List<SnapshotProblem> problems = validator.validate(SnapshotFiles.FLOWS,
                    BROKEN.get(i).getBytes(StandardCharsets.UTF_8));
            SnapshotProblem syntax = problems.get(problems.size() - 1);
            assertEquals(node.get(0).intValue() + ":" + node.get(1).intValue(), syntax.line() + ":" + syntax.column(),
                    "case " + i + " " + JSON.writeValueAsString(BROKEN.get(i)) + ": " + syntax.describe());
        }
    }
}
