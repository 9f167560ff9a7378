package dev.flowstage.hooks.events;

import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.hooks.receive.ConfigRule;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.secret.SecretBox;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Webhook files pushed to {@code _config.git} must read as the API writes them, secrets sealed by this
 * server, and a URL's literal address allowed by the outbound policy.
 */
public final class WebhookConfigRule implements ConfigRule {
    private final SecretBox secrets;
    private final AddressPolicy outbound;

    public WebhookConfigRule(SecretBox secrets, AddressPolicy outbound) {
        this.secrets = Objects.requireNonNull(secrets);
        this.outbound = Objects.requireNonNull(outbound);
    }

    @Override
    public List<String> problems(TeamConfig config) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : config.extraFiles().entrySet()) {
            if (!file.getKey().startsWith(WebhookFiles.FOLDER)) {
                continue;
            }
            try {
                if (WebhookFiles.hasPlainUrl(file.getKey(), file.getValue())) {
                    problems.add(file.getKey() + ": 'url' must not be kept in plain text (whoever reads the"
                            + " configuration could call it); set webhook URLs through the API, which stores them sealed");
                    continue;
                }
                Webhook hook = WebhookFiles.parse(file.getKey(), file.getValue(), secrets);
                WebhookFiles.checkAddress(file.getKey() + ": ", hook.url(), outbound);
                if (hook.sealedSecret() != null) {
                    secrets.open(hook.sealedSecret());
                }
            } catch (MetaInvalidException e) {
                problems.add(e.getMessage());
            } catch (IllegalArgumentException e) {
                problems.add(file.getKey() + ": the secret is not a value sealed by this server;"
                        + " set webhook secrets through the API");
            }
        }
        return problems;
    }
}
