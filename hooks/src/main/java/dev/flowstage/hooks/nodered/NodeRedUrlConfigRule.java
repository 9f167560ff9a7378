package dev.flowstage.hooks.nodered;

import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.receive.ConfigRule;
import dev.flowstage.storage.meta.Target;
import dev.flowstage.storage.meta.TeamConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Instance files pushed to {@code _config.git} must carry a {@code nodeRed.url} the API would accept ({@link NodeRedUrl}). */
public final class NodeRedUrlConfigRule implements ConfigRule {
    private final AddressPolicy policy;

    public NodeRedUrlConfigRule(AddressPolicy policy) {
        this.policy = Objects.requireNonNull(policy);
    }

    @Override
    public List<String> problems(TeamConfig config) {
        List<String> problems = new ArrayList<>();
        for (Target t : config.targets().values()) {
            if (t.nodeRed() != null && t.nodeRed().url() != null) {
                NodeRedUrl.problem(t.nodeRed().url(), policy).ifPresent(
                        p -> problems.add(t.kind().plural() + "/" + t.name() + ".json: " + p));
            }
        }
        return problems;
    }
}
