package dev.flowstage.hooks.events;

import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamStore;
import dev.flowstage.storage.secret.SecretBox;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A team's outgoing webhooks as {@code webhooks/NAME.json} files of its {@code _config.git}: every
 * change is one commit there, secrets are sealed before they are written and never read back out.
 */
public final class WebhookStore {
    private final TeamStore teams;
    private final SecretBox secrets;
    private final Clock clock;
    private final AddressPolicy outbound;

    /** @param outbound the policy a URL naming a literal address is checked against when a webhook is added */
    public WebhookStore(TeamStore teams, SecretBox secrets, Clock clock, AddressPolicy outbound) {
        this.teams = teams;
        this.secrets = secrets;
        this.clock = clock;
        this.outbound = Objects.requireNonNull(outbound);
    }

    /** The team's webhooks by name; empty for an unknown team. Broken files (a bad push) are skipped. */
    public List<Webhook> list(String team) {
        return teams.team(team).map(this::webhooks).orElse(List.of());
    }

    public Optional<Webhook> get(String team, String name) {
        return list(team).stream().filter(w -> w.name().equals(name)).findFirst();
    }

    /**
     * Adds a webhook; {@code secret} may be null for unsigned deliveries.
     * @throws MetaConflictException when the name is taken @throws MetaInvalidException for a bad url or events
     */
    public Webhook create(String team, String actor, String name, String url, Collection<String> events,
                          String secret) {
        URI checkedUrl = WebhookFiles.url("", url);
        WebhookFiles.checkAddress("", checkedUrl, outbound);
        Webhook w = new Webhook(name, checkedUrl, secrets.seal(checkedUrl.toString()), WebhookFiles.events("", events),
                secret == null ? null : secrets.seal(secret), clock.instant());
        String path = WebhookFiles.path(name);
        // parse what will be stored, so the API refuses exactly what a push of the file would
        WebhookFiles.parse(path, WebhookFiles.format(w), secrets);
        teams.edit(team, actor, "Add webhook " + name, c -> {
            if (c.extraFiles().containsKey(path)) {
                throw new MetaConflictException("webhook '" + name + "' already exists in team '" + team + "'");
            }
            return c.withExtraFile(path, WebhookFiles.format(w));
        });
        return w;
    }

    /** @throws MetaNotFoundException when there is no such webhook */
    public void delete(String team, String actor, String name) {
        String path = WebhookFiles.path(name);
        teams.edit(team, actor, "Remove webhook " + name, c -> {
            if (!c.extraFiles().containsKey(path)) {
                throw notFound(team, name);
            }
            return c.withExtraFile(path, null);
        });
    }

    /** The plain secret of {@code w}, for signing a delivery; empty for an unsigned webhook. */
    Optional<String> secret(Webhook w) {
        return Optional.ofNullable(w.sealedSecret()).map(secrets::open);
    }

    public static MetaNotFoundException notFound(String team, String name) {
        return new MetaNotFoundException("webhook '" + name + "' not found in team '" + team + "'");
    }

    /**
     * Rewrites the webhook files of {@code team} that an older version wrote with the URL in plain
     * text, sealing the URL; one commit, none when there is nothing to seal. The old values stay in
     * the history of {@code _config.git}: rotate such URLs where they are credentials.
     * @return how many files were rewritten
     */
    public int sealPlainUrls(String team) {
        int[] sealed = {0};
        if (teams.team(team).map(c -> c.extraFiles().entrySet().stream().noneMatch(this::plain)).orElse(true)) {
            return 0;
        }
        teams.edit(team, "flowstage", "Seal webhook URLs", c -> {
            TeamConfig next = c;
            for (Map.Entry<String, byte[]> f : c.extraFiles().entrySet()) {
                if (plain(f)) {
                    Webhook old = WebhookFiles.parse(f.getKey(), f.getValue(), secrets);
                    next = next.withExtraFile(f.getKey(), WebhookFiles.format(new Webhook(old.name(), old.url(),
                            secrets.seal(old.url().toString()), old.events(), old.sealedSecret(), old.createdAt())));
                    sealed[0]++;
                }
            }
            return next;
        });
        return sealed[0];
    }

    private boolean plain(Map.Entry<String, byte[]> file) {
        try {
            return WebhookFiles.nameOf(file.getKey()) != null && WebhookFiles.hasPlainUrl(file.getKey(), file.getValue());
        } catch (RuntimeException broken) {
            return false;
        }
    }

    private List<Webhook> webhooks(TeamConfig config) {
        List<Webhook> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> f : config.extraFiles().entrySet()) {
            if (WebhookFiles.nameOf(f.getKey()) != null) {
                try {
                    out.add(WebhookFiles.parse(f.getKey(), f.getValue(), secrets));
                } catch (RuntimeException broken) {
                    // a push validated elsewhere may still have left a file this version cannot read
                }
            }
        }
        return out;
    }
}
