package dev.flowstage.storage.audit;

import java.util.List;

/**
 * Where audit entries are kept: one log per team ({@code team} non-null) and one for the site
 * ({@code team} null: users, teams, tokens, keys, failed logins).
 */
public interface AuditStore {
    /** The ref that holds a log, in the team's {@code _config.git} or in {@code site.git}. */
    String REF = "refs/meta/audit";

    /** Stores {@code entries} (oldest first) as one commit; returns them with their ids. */
    List<AuditEntry> append(String team, List<AuditEntry> entries);

    /**
     * Up to {@code limit} entries, newest first, older than the entry {@code beforeIdOrNull}, whose
     * action {@link AuditEntry#matches matches} {@code actionOrNull}.
     */
    List<AuditEntry> page(String team, int limit, String beforeIdOrNull, String actionOrNull);
}
