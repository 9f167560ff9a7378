package dev.flowstage.hooks.deps;

import java.util.List;
import java.util.Map;

/**
 * What a snapshot needs installed: {@code required} (module → version range from package.json),
 * {@code missing} (node types used in the flows that no required module provides, each with the package the
 * catalog maps it to, or null when no known package provides it), {@code missingModules} (those packages,
 * sorted) and the {@code npm install} line that adds them (null when nothing is missing that npm can fix).
 */
public record DependencyPlan(Map<String, String> required, List<MissingType> missing, List<String> missingModules,
                             String npmInstall) {
    /** A node type the flows use and no listed module provides; {@code module} is null when no known package does. */
    public record MissingType(String type, String module, int nodes) {}

    public DependencyPlan {
        required = Map.copyOf(required);
        missing = List.copyOf(missing);
        missingModules = List.copyOf(missingModules);
    }

    public boolean complete() {
        return missing.isEmpty();
    }

    /** One line for a run log or status: what is missing and how to fix it. */
    public String summary() {
        if (complete()) {
            return "dependencies: " + required.size() + " module(s) required, every node type provided";
        }
        StringBuilder b = new StringBuilder("dependencies: missing ");
        for (int i = 0; i < missing.size(); i++) {
            MissingType m = missing.get(i);
            b.append(i == 0 ? "" : ", ").append('\'').append(m.type()).append('\'')
                    .append(m.module() == null ? " (no known module)" : " (" + m.module() + ")");
        }
        if (npmInstall != null) {
            b.append("; fix: ").append(npmInstall);
        }
        return b.toString();
    }
}
