package dev.flowstage.hooks.diff;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/** A node module in package.json's dependencies that was added (before null), removed (after null) or re-versioned. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModuleChange(String module, String before, String after) {
    /** "added", "removed" or "changed". */
    @JsonProperty("change")
    public String change() {
        return before == null ? "added" : after == null ? "removed" : "changed";
    }
}
