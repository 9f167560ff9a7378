package dev.flowstage.hooks.git;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.transport.RefFilter;

/**
 * What a device sees of its repository: its deploy branch {@code main}, its own uploads on
 * {@code device}, and HEAD. Applied as a filter so that ls-refs prefixes stay cheap.
 */
final class DeviceRefFilter implements RefFilter {
    static final DeviceRefFilter INSTANCE = new DeviceRefFilter();
    private static final Set<String> VISIBLE = Set.of(Constants.HEAD, "refs/heads/main", "refs/heads/device");

    private DeviceRefFilter() {}

    @Override
    public Map<String, Ref> filter(Map<String, Ref> refs) {
        Map<String, Ref> visible = new LinkedHashMap<>();
        for (Map.Entry<String, Ref> e : refs.entrySet()) {
            if (VISIBLE.contains(e.getKey())) {
                visible.put(e.getKey(), e.getValue());
            }
        }
        return visible;
    }
}
