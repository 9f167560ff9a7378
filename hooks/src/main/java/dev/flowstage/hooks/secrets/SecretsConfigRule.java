package dev.flowstage.hooks.secrets;

import dev.flowstage.hooks.receive.ConfigRule;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.secret.SecretBox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Secret and Git integration files pushed to {@code _config.git} must be sealed by this server, as the API
 * writes them: a value or token in plain text, or sealed under another key, rejects the push.
 */
public final class SecretsConfigRule implements ConfigRule {
    private final SecretBox box;

    public SecretsConfigRule(SecretBox box) {
        this.box = Objects.requireNonNull(box);
    }

    @Override
    public List<String> problems(TeamConfig config) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : config.extraFiles().entrySet()) {
            try {
                if (f.getKey().startsWith(SecretFiles.FOLDER)) {
                    SecretFiles.parse(f.getKey(), f.getValue(), box);
                } else if (f.getKey().startsWith(IntegrationFiles.FOLDER)) {
                    IntegrationFiles.parse(f.getKey(), f.getValue(), box);
                }
            } catch (MetaInvalidException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }
}
