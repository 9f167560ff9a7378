package dev.flowstage.web.api.devices;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The body of a watch answer ({@link DeviceSelfResource.WatchView}, {@code {"commit":"SHA"}}) as bytes, made once
 * per commit: one deploy answers thousands of waiting devices with the same commit, and the bytes are written as
 * they are instead of serializing the view for each. Holds the bodies of the last few commits only.
 */
final class WatchBodies {
    static final int KEPT = 64;
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");
    private static final Map<String, byte[]> BODIES = new ConcurrentHashMap<>();

    private WatchBodies() {}

    /** {@code {"commit":"SHA"}}; the caller must not change the array. */
    static byte[] body(String commit) {
        if (!SHA.matcher(commit).matches()) {
            throw new IllegalArgumentException("not a commit sha: " + commit);
        }
        byte[] body = BODIES.get(commit);
        if (body == null) {
            if (BODIES.size() >= KEPT) {
                BODIES.clear(); // old commits are rarely asked again; a miss only costs making the bytes
            }
            body = ("{\"commit\":\"" + commit + "\"}").getBytes(StandardCharsets.US_ASCII);
            BODIES.putIfAbsent(commit, body);
        }
        return body;
    }

    /** How many bodies are held (for tests). */
    static int held() {
        return BODIES.size();
    }
}
