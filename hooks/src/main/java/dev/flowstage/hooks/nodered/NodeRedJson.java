package dev.flowstage.hooks.nodered;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON as Node-RED writes it: numbers kept exact, and flows.json pretty-printed like
 * {@code JSON.stringify(flows, null, 4)} so snapshot commits diff line by line.
 */
public final class NodeRedJson {
    /** Reads flows keeping every number as written. */
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private NodeRedJson() {}

    /** A writer of JSON files in Node-RED's layout (4-space indent, {@code "key": value}, {@code []} when empty). */
    public static ObjectWriter flowsWriter() {
        Separators separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("").withArrayEmptySeparator("");
        DefaultIndenter indent = new DefaultIndenter("    ", "\n");
        DefaultPrettyPrinter printer = new DefaultPrettyPrinter(separators)
                .withArrayIndenter(indent).withObjectIndenter(indent);
        return MAPPER.writer(printer);
    }
}
