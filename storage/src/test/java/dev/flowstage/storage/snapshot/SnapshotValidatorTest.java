package dev.flowstage.storage.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnapshotValidatorTest {
    private final SnapshotValidator validator = new SnapshotValidator();

    private List<String> problems(String file, String content) {
        return validator.validate(file, content.getBytes(StandardCharsets.UTF_8)).stream()
                .map(SnapshotProblem::render).toList();
    }

    private String only(String file, String content) {
        List<String> p = problems(file, content);
        assertEquals(1, p.size(), () -> "expected one problem, got " + p);
        return p.get(0);
    }

    @Test
    void acceptsValidFlowsIncludingClipboardExportsWithoutTab() {
        assertEquals(List.of(), problems("flows.json", "[]"));
        assertEquals(List.of(), problems("flows.json", """
                [
                  {"id":"t1","type":"tab","label":"Flow 1"},
                  {"id":"n1","type":"inject","z":"t1","wires":[["n2"]],"props":[{"p":"payload"}]},
                  {"id":"n2","type":"debug","z":"t1","wires":[]}
                ]
                """));
        // nodes whose z names a tab that is not in the file: a clipboard export, still valid
        assertEquals(List.of(), problems("flows.json",
                "[{\"id\":\"a\",\"type\":\"function\",\"z\":\"missing\",\"func\":\"return msg;\",\"wires\":[[]]}]"));
    }

    @Test
    void nestedIdAndTypeDoNotCount() {
        assertEquals(List.of("flowstage: flows.json: node 0 (id \"a\"): missing string \"type\" (line 1, column 2)"),
                problems("flows.json", "[{\"id\":\"a\",\"props\":{\"type\":\"x\"},\"rules\":[{\"id\":\"b\",\"type\":\"c\"}]}]"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "missing comma between nodes | `[\n  {\"id\":\"a\",\"type\":\"t\"}\n  {\"id\":\"b\",\"type\":\"t\"}\n]` | line 3, column 3: expected ',' or ']'",
        "missing comma between properties | `[\n  {\"id\":\"a\" \"type\":\"t\"}\n]` | line 2, column 13: expected ',' or '}'",
        "trailing comma in object | `[\n  {\"id\":\"a\",}\n]` | line 2, column 13: expected a property name after ',' (JSON allows no trailing comma)",
        "trailing comma in array | `[\n  {\"id\":\"a\",\"type\":\"b\"},\n]` | line 3, column 1: expected a value, found ']' (JSON allows no trailing comma)",
        "missing colon | `[\n  {\"id\" \"a\"}\n]` | line 2, column 9: expected ':'",
        "unclosed object | `[\n  {\"id\":\"a\"` | line 2, column 12: unexpected end of file: the object opened at line 2, column 3 is not closed",
        "unclosed array | `[\n  {\"id\":\"a\",\"type\":\"b\"}\n` | line 3, column 1: unexpected end of file: the array opened at line 1, column 1 is not closed",
        "unterminated string | `[\n  {\"id\":\"a\",\"type\":\"abc` | line 2, column 20: this string is never closed (missing '\"')",
        "unknown word | `[\n  {\"id\":tru}\n]` | line 2, column 9: unknown word 'tru', expected a value",
        "line break in string | `[\n  {\"id\":\"a\nb\"}\n]` | line 2, column 11: line break inside a string (write it as \\n)",
        "tab in string | `[{\"id\":\"a\tb\"}]` | line 1, column 10: tab inside a string (write it as \\t)",
        "single quotes | `[\n  {\"id\":'a'}\n]` | line 2, column 9: strings need double quotes, not single quotes",
        "unquoted name | `[\n  {id:1}\n]` | line 2, column 4: expected '\"' to start a property name (property names need double quotes)",
        "comment | `[ // nodes\n]` | line 1, column 3: comments are not allowed in JSON",
        "wrong closer | `[\n  {\"id\":\"a\"]\n]` | line 2, column 12: found ']' where '}' was expected (to close the object opened at line 2, column 3)",
        "bad escape | `[\n  {\"id\":\"\\x\"}\n]` | line 2, column 11: invalid escape '\\x' in a string",
        "leading zero | `[\n  {\"id\":01}\n]` | line 2, column 10: numbers must not start with 0",
        "NaN | `[\n  {\"id\":NaN}\n]` | line 2, column 9: 'NaN' is not valid JSON",
        "bad number | `[{\"id\":-}]` | line 1, column 9: invalid number",
        "extra closer | `[]]` | line 1, column 3: ']' closes nothing",
        "content after the array | `[]\n[]` | line 2, column 1: unexpected content after the end of the JSON value",
        "non-ASCII counts characters | `[\n  {\"é\":\"日本\", \"x\" 1}\n]` | line 2, column 18: expected ':'",
        "CRLF line ends | `[\r\n  {\"id\":\"a\",\"type\":\"b\"}\r\n  {}\r\n]` | line 3, column 3: expected ',' or ']'",
    })
    void syntaxErrorsNameLineColumnAndProblem(String name, String json, String expected) {
        assertEquals("flowstage: flows.json: " + expected, only("flows.json", json));
    }

    @Test
    void byteOrderMarkIsNotAColumn() {
        assertEquals("flowstage: flows.json: line 1, column 2: found '}' where ']' was expected (to close the array opened at line 1, column 1)",
                only("flows.json", "\uFEFF[}"));
        assertEquals(List.of(), problems("flows.json", "\uFEFF[]"));
    }

    @Test
    void invalidUtf8IsNamed() {
        byte[] bad = {'[', '"', (byte) 0xC3, (byte) 0x28, '"', ']'};
        List<SnapshotProblem> p = validator.validate("flows.json", bad);
        assertEquals(2, p.size());
        assertEquals("node 0: expected an object, found a string", p.get(0).message());
        assertEquals("invalid UTF-8 bytes (save the file as UTF-8)", p.get(1).message());
        assertEquals(1, p.get(1).line());
    }

    @Test
    void absurdNestingIsRefusedWithAMessage() {
        String deep = "[".repeat(2500) + "]".repeat(2500);
        String msg = only("flows.json", "[{\"id\":\"a\",\"type\":\"b\",\"deep\":" + deep + "}]");
        assertTrue(msg.startsWith("flowstage: flows.json: line 1, column "), msg);
        assertTrue(msg.contains(": the file exceeds a parser limit: document nesting depth (2001) exceeds the maximum"
                + " allowed (2000"), msg);
    }

    @Test
    void emptyFileIsNamed() {
        assertEquals("flowstage: flows.json: the file is empty; expected a JSON array of nodes", only("flows.json", ""));
        assertEquals("flowstage: env.json: the file is empty; expected a JSON object", only("env.json", "  \n"));
    }

    @Test
    void flowsMustBeAnArrayOfObjects() {
        assertEquals("flowstage: flows.json: line 1, column 1: must be a JSON array of nodes, found an object",
                only("flows.json", "{\"flows\":[]}"));
        assertEquals("flowstage: flows.json: line 1, column 1: must be a JSON array of nodes, found a string",
                only("flows.json", "\"x\""));
        assertEquals(List.of(
                "flowstage: flows.json: node 0: expected an object, found a number (line 1, column 2)",
                "flowstage: flows.json: node 1: expected an object, found an array (line 1, column 4)",
                "flowstage: flows.json: node 2: expected an object, found null (line 1, column 15)"),
                problems("flows.json", "[1,[{\"id\":1}],null,{\"id\":\"ok\",\"type\":\"t\"}]"));
    }

    @Test
    void nodesNeedStringIdAndType() {
        String flows = """
                [
                  {"id":"a","type":"tab"},
                  {"type":"inject"},
                  {"id":"abc","z":"a"},
                  {"id":5,"type":"debug"},
                  {"id":"e","type":["x"]},
                  {"id":"","type":"x"}
                ]""";
        assertEquals(List.of(
                "flowstage: flows.json: node 1: missing string \"id\" (line 3, column 3)",
                "flowstage: flows.json: node 2 (id \"abc\"): missing string \"type\" (line 4, column 3)",
                "flowstage: flows.json: node 3: \"id\" must be a string, found a number (line 5, column 3)",
                "flowstage: flows.json: node 4 (id \"e\"): \"type\" must be a string, found an array (line 6, column 3)",
                "flowstage: flows.json: node 5 (id \"\"): \"id\" must not be empty (line 7, column 3)"),
                problems("flows.json", flows));
    }

    @Test
    void duplicateIdsNameBothNodes() {
        String flows = "[\n{\"id\":\"x\",\"type\":\"a\"},\n{\"id\":\"abc\",\"type\":\"a\"},\n{\"id\":\"y\",\"type\":\"a\"},\n"
                + "{\"id\":\"abc\",\"type\":\"b\"},\n{\"id\":\"abc\",\"type\":\"c\"}\n]";
        assertEquals(List.of(
                "flowstage: flows.json: line 5, column 1: duplicate id \"abc\" at nodes 1 and 3",
                "flowstage: flows.json: line 6, column 1: duplicate id \"abc\" at nodes 1 and 4"),
                problems("flows.json", flows));
    }

    @Test
    void idsInMessagesAreQuotedSafelyAndShortened() {
        String longId = "q\"\\" + "x".repeat(100);
        String msg = only("flows.json", "[{\"id\":\"" + longId.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}]");
        assertTrue(msg.startsWith("flowstage: flows.json: node 0 (id \"q\\\"\\\\xxx"), msg);
        assertTrue(msg.contains("x…\"): missing string \"type\""), msg);
    }

    @Test
    void problemsAreCappedPerFile() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < 50; i++) {
            sb.append(i == 0 ? "" : ",").append("{\"id\":\"n").append(i).append("\"}");
        }
        List<String> p = problems("flows.json", sb.append(']').toString());
        assertEquals(SnapshotValidator.MAX_PROBLEMS_PER_FILE + 1, p.size());
        assertEquals("flowstage: flows.json: more problems not shown", p.get(p.size() - 1));
    }

    @Test
    void semanticProblemsAndALaterSyntaxErrorAreBothReported() {
        assertEquals(List.of(
                "flowstage: flows.json: node 0 (id \"a\"): missing string \"type\" (line 1, column 2)",
                "flowstage: flows.json: line 1, column 13: expected ',' or ']'"),
                problems("flows.json", "[{\"id\":\"a\"} {}]"));
    }

    @Test
    void syntaxIsCheckedEvenWhereNoRuleLooks() {
        assertEquals("flowstage: flows.json: line 1, column 1: must be a JSON array of nodes, found an object",
                problems("flows.json", "{\"a\": [1 2]}").get(0));
        assertEquals("flowstage: flows.json: line 1, column 10: expected ',' or ']'",
                problems("flows.json", "{\"a\": [1 2]}").get(1));
        assertEquals("flowstage: flows.json: line 1, column 42: expected ',' or '}'",
                only("flows.json", "[{\"id\":\"a\",\"type\":\"b\",\"x\":{\"deep\":[{} {}]}}]".replace("[{} {}]", "{\"k\":1 \"j\"}")));
    }

    @Test
    void envIsAnObjectOfStrings() {
        assertEquals(List.of(), problems("env.json", "{}"));
        assertEquals(List.of(), problems("env.json", "{\"PORT\":\"1880\",\"EMPTY\":\"\"}"));
        assertEquals(List.of(
                "flowstage: env.json: line 1, column 9: value of \"PORT\" must be a string, found a number",
                "flowstage: env.json: line 1, column 22: value of \"DEBUG\" must be a string, found a boolean",
                "flowstage: env.json: line 1, column 34: value of \"LIST\" must be a string, found an array"),
                problems("env.json", "{\"PORT\":1880,\"DEBUG\":true,\"LIST\":[\"a\"]}"));
        assertEquals("flowstage: env.json: line 1, column 1: must be a JSON object of \"NAME\": \"value\" strings, found an array",
                only("env.json", "[\"A\"]"));
    }

    @Test
    void packageIsAnObjectWithStringDependencies() {
        assertEquals(List.of(), problems("package.json",
                "{\"name\":\"p\",\"dependencies\":{\"node-red-dashboard\":\"~3.6.0\"},\"node-red\":{\"settings\":{}}}"));
        assertEquals("flowstage: package.json: line 1, column 1: must be a JSON object, found an array",
                only("package.json", "[]"));
        assertEquals("flowstage: package.json: line 1, column 17: \"dependencies\" must be an object of module versions, found an array",
                only("package.json", "{\"dependencies\":[\"a\"]}"));
        assertEquals("flowstage: package.json: line 1, column 31: \"dependencies\": version of \"node-red-x\" must be a string, found a number",
                only("package.json", "{\"dependencies\":{\"node-red-x\":3}}"));
    }

    @Test
    void credentialsAreAnObject() {
        ObjectNode creds = new ObjectMapper().createObjectNode();
        creds.putObject("n1").put("password", "pw");
        byte[] encrypted = NodeRedCredentials.encrypt(creds, "s3cret");
        assertEquals(List.of(), validator.validate("flows_cred.json", encrypted));
        assertEquals(List.of(), problems("flows_cred.json", "{\"n1\":{\"user\":\"u\"}}"));
        assertEquals(List.of(), problems("flows_cred.json", "{}"));
        assertEquals("flowstage: flows_cred.json: line 1, column 1: must be a JSON object, found an array",
                only("flows_cred.json", "[]"));
        assertEquals("flowstage: flows_cred.json: line 1, column 6: \"$\" must be a string (hex IV + base64 ciphertext), found a number",
                only("flows_cred.json", "{\"$\":42}"));
        assertEquals("flowstage: flows_cred.json: line 1, column 6: \"$\" is not Node-RED encrypted credentials (32 hex digits of IV, then base64)",
                only("flows_cred.json", "{\"$\":\"not-hex\"}"));
    }

    @Test
    void filesWithoutRulesAreNotChecked() {
        assertEquals(List.of(), problems("README.md", "{not json"));
        assertEquals(List.of(), problems("settings.json", "{not json"));
    }

    @Test
    void validateSnapshotChecksEveryFilePresentInSpecOrder() {
        Snapshot s = Snapshot.EMPTY
                .with("env.json", "{\"A\":1}")
                .with("flows.json", "[{}]")
                .with("README.md", "[");
        assertEquals(List.of(
                "flows.json: node 0: missing string \"id\" (line 1, column 2)",
                "flows.json: node 0: missing string \"type\" (line 1, column 2)",
                "env.json: line 1, column 6: value of \"A\" must be a string, found a number"),
                validator.validate(s).stream().map(SnapshotProblem::describe).toList());
        assertEquals(List.of(), validator.validate(Snapshot.EMPTY));
    }

    @Test
    void largeFlowsAreValidatedCompletely() {
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < 10_000; i++) {
            sb.append("{\"id\":\"").append(Integer.toHexString(0x10000000 + i)).append("\",\"type\":\"function\",\"z\":\"t\",")
                    .append("\"func\":\"").append("var a = msg.payload;\\nreturn msg;\\n".repeat(10))
                    .append("\",\"x\":").append(i).append(",\"y\":20,\"wires\":[[\"")
                    .append(Integer.toHexString(0x10000000 + i + 1)).append("\"]]},\n");
        }
        sb.append("{\"id\":\"10000005\",\"type\":\"debug\"}\n]");
        assertTrue(sb.length() > 4_000_000);
        assertEquals(List.of("flowstage: flows.json: line 10002, column 1: duplicate id \"10000005\" at nodes 5 and 10000"),
                problems("flows.json", sb.toString()));
    }
}
