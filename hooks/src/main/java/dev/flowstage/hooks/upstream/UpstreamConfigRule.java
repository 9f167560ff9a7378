package dev.flowstage.hooks.upstream;

import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.receive.ConfigRule;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaJson;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.secret.SecretBox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Upstream files pushed to {@code _config.git} pass the API's checks, with the hook secret sealed by this server. */
public final class UpstreamConfigRule implements ConfigRule {
    private final SecretBox box;
    private final AddressPolicy policy;

    public UpstreamConfigRule(SecretBox box, AddressPolicy policy) {
        this.box = Objects.requireNonNull(box);
        this.policy = Objects.requireNonNull(policy);
    }

    @Override
    public List<String> problems(TeamConfig config) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : config.extraFiles().entrySet()) {
            if (!f.getKey().startsWith(UpstreamFiles.FOLDER)) {
                continue;
            }
            String where = f.getKey() + ": ";
            try {
                String instance = UpstreamFiles.instanceOf(f.getKey());
                if (instance == null) {
                    throw new MetaInvalidException(where + "upstream files are upstream/INSTANCE.json");
                }
                UpstreamConfig c = UpstreamFiles.parse(where, instance, MetaJson.readObject(f.getKey(), f.getValue()));
                if (!config.targets().containsKey(instance)) {
                    // left behind when the instance was deleted through the API: inert (nothing syncs it), and
                    // it must not block unrelated pushes
                    continue;
                }
                UpstreamFiles.check(where, c, config, policy);
                if (c.sealedHookSecret() != null) {
                    try {
                        box.open(c.sealedHookSecret());
                    } catch (IllegalArgumentException e) {
                        throw new MetaInvalidException(where + "'sealedHookSecret' is not a value sealed by this server");
                    }
                }
            } catch (MetaInvalidException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }
}
