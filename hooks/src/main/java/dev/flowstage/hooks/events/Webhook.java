package dev.flowstage.hooks.events;

import java.net.URI;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * A team's outgoing webhook: which event types go to which URL, signed with the secret (kept only
 * sealed by the SecretBox; null when the webhook is unsigned). Stored as {@code webhooks/NAME.json}.
 */
public record Webhook(String name, URI url, Set<String> events, String sealedSecret, Instant createdAt) {
    public Webhook {
        events = Set.copyOf(new TreeSet<>(events));
    }

    public boolean wants(String eventType) {
        return events.contains(eventType);
    }
}
