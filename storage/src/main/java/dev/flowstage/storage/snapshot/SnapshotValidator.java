package dev.flowstage.storage.snapshot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the files of a snapshot against the receive rules of SPEC §3.3 and lists every problem found:
 * {@code flows.json} an array of objects with unique string {@code id} and string {@code type};
 * {@code env.json} an object of strings; {@code package.json} an object (its {@code dependencies} an
 * object of strings); {@code flows_cred.json} an object. Files that are absent are not checked.
 * Parses with Jackson's streaming parser, never building a tree. Thread-safe.
 */
public final class SnapshotValidator {
    /** After this many problems in one file the rest is summarised in one line. */
    public static final int MAX_PROBLEMS_PER_FILE = 20;

    private final JsonFactory json;

    public SnapshotValidator() {
        this.json = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        // Node-RED's JSON.parse has no such limits; a function node may hold a large string.
                        .maxStringLength(64 << 20)
                        .maxNestingDepth(2000)
                        .build())
                .build();
    }

    /** Problems of every snapshot file present, in the order of {@link SnapshotFiles#ALL}; empty when valid. */
    public List<SnapshotProblem> validate(Snapshot snapshot) {
        List<SnapshotProblem> problems = new ArrayList<>();
        for (String name : SnapshotFiles.ALL) {
            if (snapshot.has(name)) {
                problems.addAll(validate(name, snapshot.raw(name)));
            }
        }
        return problems;
    }

    /** Problems of one snapshot file; files without rules (settings.json, README.md, others) have none. */
    public List<SnapshotProblem> validate(String file, byte[] content) {
        Rule rule = switch (file) {
            case SnapshotFiles.FLOWS -> this::checkFlows;
            case SnapshotFiles.ENV -> this::checkEnv;
            case SnapshotFiles.PACKAGE -> this::checkPackage;
            case SnapshotFiles.CREDENTIALS -> this::checkCredentials;
            default -> null;
        };
        if (rule == null) {
            return List.of();
        }
        Problems problems = new Problems(file, content);
        try (JsonParser p = json.createParser(content)) {
            check(rule, p, problems);
        } catch (IOException e) {
            throw new UncheckedIOException("closing a parser over memory", e);
        }
        return problems.list;
    }

    /** Runs {@code rule} and reports a syntax error while the parser still knows where it was. */
    private static void check(Rule rule, JsonParser p, Problems problems) {
        try {
            JsonToken first = p.nextToken();
            if (first == null) {
                problems.add(-1, "the file is empty; expected " + expected(problems.file));
                return;
            }
            rule.check(p, first, problems);
            // Every rule consumes the whole root value, whatever it looked at; nothing may follow it.
            if (p.nextToken() != null) {
                problems.add(p.currentTokenLocation().getByteOffset(),
                        "unexpected content after the end of the JSON value");
            }
        } catch (Problems.Full full) {
            // enough said about this file
        } catch (JsonProcessingException e) {
            problems.addSyntax(JsonSyntaxProblems.translate(problems.file, problems.content, problems.positions, p, e));
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + problems.file + " from memory", e);
        }
    }

    private static String expected(String file) {
        return file.equals(SnapshotFiles.FLOWS) ? "a JSON array of nodes" : "a JSON object";
    }

    private void checkFlows(JsonParser p, JsonToken first, Problems problems) throws IOException {
        if (first != JsonToken.START_ARRAY) {
            problems.add(p.currentTokenLocation().getByteOffset(),
                    "must be a JSON array of nodes, found " + describe(first));
            p.skipChildren();
            return;
        }
        Map<String, Integer> firstIndexOfId = new HashMap<>();
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            long nodeOffset = p.currentTokenLocation().getByteOffset();
            if (t != JsonToken.START_OBJECT) {
                problems.add(nodeOffset, "node " + index + ": expected an object, found " + describe(t));
                p.skipChildren();
                index++;
                continue;
            }
            String id = null;
            String type = null;
            JsonToken idToken = null;
            JsonToken typeToken = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("id".equals(field)) {
                    idToken = value;
                    id = value == JsonToken.VALUE_STRING ? p.getText() : null;
                } else if ("type".equals(field)) {
                    typeToken = value;
                    type = value == JsonToken.VALUE_STRING ? p.getText() : null;
                }
                p.skipChildren();
            }
            String node = "node " + index + (id != null ? " (id " + quote(id) + ")" : "");
            checkStringField(problems, nodeOffset, node, "id", idToken, id);
            checkStringField(problems, nodeOffset, node, "type", typeToken, type);
            if (id != null && !id.isEmpty()) {
                Integer earlier = firstIndexOfId.putIfAbsent(id, index);
                if (earlier != null) {
                    problems.add(nodeOffset, "duplicate id " + quote(id) + " at nodes " + earlier + " and " + index);
                }
            }
            index++;
        }
    }

    private static void checkStringField(Problems problems, long offset, String node, String field,
            JsonToken token, String value) {
        if (token == null) {
            problems.add(offset, node + ": missing string \"" + field + "\"");
        } else if (value == null) {
            problems.add(offset, node + ": \"" + field + "\" must be a string, found " + describe(token));
        } else if (value.isEmpty()) {
            problems.add(offset, node + ": \"" + field + "\" must not be empty");
        }
    }

    private void checkEnv(JsonParser p, JsonToken first, Problems problems) throws IOException {
        if (!expectObject(p, first, problems, "must be a JSON object of \"NAME\": \"value\" strings")) {
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (value != JsonToken.VALUE_STRING) {
                problems.add(p.currentTokenLocation().getByteOffset(),
                        "value of " + quote(name) + " must be a string, found " + describe(value));
            }
            p.skipChildren();
        }
    }

    private void checkPackage(JsonParser p, JsonToken first, Problems problems) throws IOException {
        if (!expectObject(p, first, problems, "must be a JSON object")) {
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (!"dependencies".equals(field)) {
                p.skipChildren();
            } else if (value != JsonToken.START_OBJECT) {
                problems.add(p.currentTokenLocation().getByteOffset(),
                        "\"dependencies\" must be an object of module versions, found " + describe(value));
                p.skipChildren();
            } else {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String module = p.currentName();
                    JsonToken version = p.nextToken();
                    if (version != JsonToken.VALUE_STRING) {
                        problems.add(p.currentTokenLocation().getByteOffset(), "\"dependencies\": version of "
                                + quote(module) + " must be a string, found " + describe(version));
                    }
                    p.skipChildren();
                }
            }
        }
    }

    private void checkCredentials(JsonParser p, JsonToken first, Problems problems) throws IOException {
        if (!expectObject(p, first, problems, "must be a JSON object")) {
            return;
        }
        int fields = 0;
        JsonToken encrypted = null;
        String encryptedText = null;
        long encryptedOffset = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            fields++;
            if ("$".equals(p.currentName())) {
                encrypted = p.nextToken();
                encryptedOffset = p.currentTokenLocation().getByteOffset();
                encryptedText = encrypted == JsonToken.VALUE_STRING ? p.getText() : null;
            } else {
                p.nextToken();
            }
            p.skipChildren();
        }
        // Node-RED treats {"$": ...} as encrypted only when "$" is the one property.
        if (fields == 1 && encrypted != null) {
            if (encryptedText == null) {
                problems.add(encryptedOffset, "\"$\" must be a string (hex IV + base64 ciphertext), found "
                        + describe(encrypted));
            } else if (!NodeRedCredentials.looksEncrypted(encryptedText)) {
                problems.add(encryptedOffset,
                        "\"$\" is not Node-RED encrypted credentials (32 hex digits of IV, then base64)");
            }
        }
    }

    private static boolean expectObject(JsonParser p, JsonToken first, Problems problems, String rule)
            throws IOException {
        if (first == JsonToken.START_OBJECT) {
            return true;
        }
        problems.add(p.currentTokenLocation().getByteOffset(), rule + ", found " + describe(first));
        p.skipChildren();
        return false;
    }

    static String describe(JsonToken token) {
        return switch (token) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        int max = Math.min(s.length(), 80);
        for (int i = 0; i < max; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append(s.length() > max ? "…\"" : "\"").toString();
    }

    @FunctionalInterface
    private interface Rule {
        void check(JsonParser parser, JsonToken first, Problems problems) throws IOException;
    }

    /** The problems of one file, located lazily and capped at {@link #MAX_PROBLEMS_PER_FILE}. */
    private static final class Problems {
        /** Thrown to stop reading a file that already has too many problems. */
        static final class Full extends RuntimeException {
            Full() {
                super(null, null, false, false);
            }
        }

        final String file;
        final byte[] content;
        final TextPositions positions;
        final List<SnapshotProblem> list = new ArrayList<>();

        Problems(String file, byte[] content) {
            this.file = file;
            this.content = content;
            this.positions = new TextPositions(content);
        }

        void add(long byteOffset, String message) {
            if (list.size() == MAX_PROBLEMS_PER_FILE) {
                list.add(SnapshotProblem.of(file, "more problems not shown"));
                throw new Full();
            }
            if (byteOffset < 0) {
                list.add(SnapshotProblem.of(file, message));
            } else {
                int[] lc = positions.at(byteOffset);
                list.add(new SnapshotProblem(file, lc[0], lc[1], message));
            }
        }

        void addSyntax(SnapshotProblem problem) {
            list.add(problem);
        }
    }
}
