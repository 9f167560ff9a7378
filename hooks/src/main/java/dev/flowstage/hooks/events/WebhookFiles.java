package dev.flowstage.hooks.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.hooks.outbound.AddressPolicy;
import dev.flowstage.storage.Names;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaJson;
import dev.flowstage.storage.secret.SecretBox;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and writes {@code webhooks/NAME.json} in {@code _config.git}, with the checks the API and a
 * push of the config repository share: a valid name, an absolute http(s) URL sealed by this server,
 * known event types. The file names the URL's origin in plain text, for people reading the config.
 */
public final class WebhookFiles {
    public static final String FOLDER = "webhooks/";
    private static final String EXT = ".json";

    private WebhookFiles() {}

    public static String path(String name) {
        return FOLDER + name + EXT;
    }

    /** The webhook's name when {@code path} is a webhook file, else null. */
    public static String nameOf(String path) {
        if (!path.startsWith(FOLDER) || !path.endsWith(EXT) || path.indexOf('/', FOLDER.length()) >= 0) {
            return null;
        }
        return path.substring(FOLDER.length(), path.length() - EXT.length());
    }

    /**
     * The webhook in {@code content}, its URL opened with {@code secrets}. A file of an older version
     * with a plain {@code url} still reads (see {@link #hasPlainUrl}).
     * @throws MetaInvalidException naming the file and the problem
     */
    public static Webhook parse(String path, byte[] content, SecretBox secrets) {
        String name = nameOf(path);
        if (name == null || !Names.isValid(name)) {
            throw new MetaInvalidException(path + ": the webhook name must be 1-63 lower-case letters, digits and '-'");
        }
        ObjectNode n = MetaJson.readObject(path, content);
        String sealedUrl = MetaJson.text(path, n, "sealedUrl");
        URI url;
        if (sealedUrl != null) {
            String opened;
            try {
                opened = secrets.open(sealedUrl);
            } catch (IllegalArgumentException e) {
                throw new MetaInvalidException(path + ": 'sealedUrl' is not a value sealed by this server;"
                        + " set webhook URLs through the API");
            }
            url = url(path + ": ", opened);
        } else if (n.has("url")) {
            url = url(path + ": ", MetaJson.requiredText(path, n, "url"));
        } else {
            throw new MetaInvalidException(path + ": 'sealedUrl' is required: set webhook URLs through the API");
        }
        JsonNode list = n.get("events");
        if (list == null || !list.isArray()) {
            throw new MetaInvalidException(path + ": 'events' must be a list of event types");
        }
        Set<String> events = new TreeSet<>();
        for (JsonNode e : list) {
            events.add(e.asText());
        }
        return new Webhook(name, url, sealedUrl, events(path + ": ", events), MetaJson.text(path, n, "sealedSecret"),
                MetaJson.instant(path, n, "createdAt"));
    }

    /** Whether the file keeps its URL in plain text, as versions before URLs were sealed wrote it. */
    public static boolean hasPlainUrl(String path, byte[] content) {
        return MetaJson.readObject(path, content).has("url");
    }

    /** The file for {@code w}, which must have its {@code sealedUrl}. */
    public static byte[] format(Webhook w) {
        if (w.sealedUrl() == null) {
            throw new IllegalArgumentException("a webhook is written with its URL sealed");
        }
        ObjectNode n = MetaJson.object();
        n.put("origin", w.origin());
        n.put("sealedUrl", w.sealedUrl());
        ArrayNode events = n.putArray("events");
        new TreeSet<>(w.events()).forEach(events::add);
        MetaJson.put(n, "sealedSecret", w.sealedSecret());
        MetaJson.put(n, "createdAt", w.createdAt());
        return MetaJson.write(n);
    }

    /** An absolute http or https URL with a host; @throws MetaInvalidException otherwise */
    public static URI url(String where, String value) {
        URI uri;
        try {
            uri = new URI(value.strip());
        } catch (URISyntaxException e) {
            throw new MetaInvalidException(where + "'url' is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new MetaInvalidException(where + "'url' must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new MetaInvalidException(where + "'url' must name a host");
        }
        if (uri.getUserInfo() != null) {
            throw new MetaInvalidException(where + "'url' must not carry credentials: use a secret to sign deliveries");
        }
        return uri;
    }

    /**
     * Refuses a URL whose host is a literal address the outbound policy does not allow; a host name is
     * judged at each delivery, since what it resolves to changes. @throws MetaInvalidException if refused
     */
    public static void checkAddress(String where, URI url, AddressPolicy policy) {
        policy.refusalOfLiteral(url.getHost()).ifPresent(refusal -> {
            throw new MetaInvalidException(where + "'url': " + refusal);
        });
    }

    /** At least one event, each one of {@link FlowstageEvent#TYPES}; @throws MetaInvalidException otherwise */
    public static Set<String> events(String where, Collection<String> events) {
        if (events == null || events.isEmpty()) {
            throw new MetaInvalidException(where + "'events' must list at least one of " + typeList());
        }
        for (String e : events) {
            if (!FlowstageEvent.TYPES.contains(e)) {
                throw new MetaInvalidException(where + "'" + e + "' is not an event type (use " + typeList() + ")");
            }
        }
        return new TreeSet<>(events);
    }

    private static String typeList() {
        return String.join(", ", new TreeSet<>(FlowstageEvent.TYPES));
    }
}
