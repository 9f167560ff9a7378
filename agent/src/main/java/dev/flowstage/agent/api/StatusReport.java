package dev.flowstage.agent.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** The body of {@code POST /api/v1/devices/self/status}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StatusReport(String commit, String state, String message, Map<String, String> modules) {
    public static final String RUNNING = "running";
    public static final String ERROR = "error";
    public static final String STOPPED = "stopped";

    public static StatusReport running(String commit, Map<String, String> modules) {
        return new StatusReport(commit, RUNNING, null, modules);
    }

    public static StatusReport error(String commit, String message) {
        return new StatusReport(commit, ERROR, message, null);
    }
}
