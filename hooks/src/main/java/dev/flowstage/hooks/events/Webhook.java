package dev.flowstage.hooks.events;

import java.net.URI;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * A team's outgoing webhook: which event types go to which URL, signed with the secret (null when the
 * webhook is unsigned). Stored as {@code webhooks/NAME.json} with the URL and the secret sealed by the
 * SecretBox, since chat and CI hook URLs are credentials themselves; {@code url} is the opened URL,
 * {@code sealedUrl} its stored form (null only while a file of an older version is read).
 */
public record Webhook(String name, URI url, String sealedUrl, Set<String> events, String sealedSecret,
                      Instant createdAt) {
    public Webhook {
        events = Set.copyOf(new TreeSet<>(events));
    }

    /** Scheme, host and port of the URL: what may be shown where the whole URL may not. */
    public String origin() {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }

    public boolean wants(String eventType) {
        return events.contains(eventType);
    }
}
