package dev.flowstage.web.api.audit;

import dev.flowstage.storage.audit.AuditEntry;
import dev.flowstage.storage.audit.AuditStore;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.web.api.ApiException;
import dev.flowstage.web.api.Page;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One page of an audit log as the API answers it, newest first; the cursor is the last entry's id.
 * {@code action} keeps one action or, as a prefix ({@code instance.} or {@code instance}), a family.
 */
final class AuditPages {
    /** One entry as the API shows it. */
    public record AuditView(String id, Instant time, String actor, String action, String target,
                            Map<String, String> details) {
        static AuditView of(AuditEntry e) {
            return new AuditView(e.id(), e.time(), e.actor(), e.action(), e.target(), e.details());
        }
    }

    private AuditPages() {}

    static Page<AuditView> page(AuditStore store, String team, String limit, String cursor, String action) {
        int max = Page.parseLimit(limit);
        List<AuditEntry> entries;
        try {
            // one more than asked says whether there is a next page
            entries = store.page(team, max + 1, cursor == null || cursor.isEmpty() ? null : cursor, action);
        } catch (MetaInvalidException e) {
            throw ApiException.badRequest("invalid_cursor", "cursor is not one this server returned");
        }
        boolean more = entries.size() > max;
        List<AuditView> items = entries.stream().limit(max).map(AuditView::of).toList();
        return new Page<>(items, more ? items.get(items.size() - 1).id() : null);
    }
}
