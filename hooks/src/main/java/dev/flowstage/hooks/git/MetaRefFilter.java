package dev.flowstage.hooks.git;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.RefFilter;

/**
 * What a team member who is not an owner sees of {@code _config.git}: everything but {@code refs/meta/*}
 * (pipeline runs, reviews, webhook deliveries), which the API shows to each role as it may see them.
 * Objects reachable only from hidden refs cannot be fetched either: JGit accepts only wants reachable
 * from the refs this filter leaves.
 */
final class MetaRefFilter implements RefFilter {
    static final MetaRefFilter INSTANCE = new MetaRefFilter();
    private static final String HIDDEN = "refs/meta/";

    private MetaRefFilter() {}

    @Override
    public Map<String, Ref> filter(Map<String, Ref> refs) {
        Map<String, Ref> visible = new LinkedHashMap<>();
        for (Map.Entry<String, Ref> e : refs.entrySet()) {
            if (!e.getKey().startsWith(HIDDEN)) {
                visible.put(e.getKey(), e.getValue());
            }
        }
        return visible;
    }
}
