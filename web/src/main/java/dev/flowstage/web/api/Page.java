package dev.flowstage.web.api;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a list: {@code {"items":[...],"next":CURSOR|null}}. Items are ordered by a string sort
 * key; the cursor is the last returned key, encoded, so a walk stays exact when items are added or
 * removed between pages.
 */
public record Page<T>(List<T> items, String next) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 100;

    /**
     * Sorts {@code all} by {@code sortKey} (unique per item), skips what the cursor has seen and
     * returns up to {@code limit} items mapped by {@code view}.
     */
    public static <S, T> Page<T> of(List<S> all, Function<S, String> sortKey, Function<S, T> view,
                                    String limit, String cursor) {
        int max = parseLimit(limit);
        String after = cursor == null || cursor.isEmpty() ? null : decode(cursor);
        List<S> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing(sortKey));
        List<T> items = new ArrayList<>();
        String lastKey = null;
        boolean more = false;
        for (S s : sorted) {
            String key = sortKey.apply(s);
            if (after != null && key.compareTo(after) <= 0) {
                continue;
            }
            if (items.size() == max) {
                more = true;
                break;
            }
            items.add(view.apply(s));
            lastKey = key;
        }
        return new Page<>(List.copyOf(items), more ? encode(lastKey) : null);
    }

    /** A key that orders newest first, ties broken by name. */
    public static String newestFirst(Instant createdAt, String name) {
        Instant t = createdAt == null ? Instant.EPOCH : createdAt;
        long nanos = t.getEpochSecond() * 1_000_000_000L + t.getNano();
        return String.format("%019d", Long.MAX_VALUE - nanos) + name;
    }

    /** The {@code ?limit=} of a list: 1 to {@link #MAX_LIMIT}, {@link #DEFAULT_LIMIT} when absent; else 400. */
    public static int parseLimit(String limit) {
        if (limit == null || limit.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int n = Integer.parseInt(limit);
            if (n >= 1 && n <= MAX_LIMIT) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below like an out-of-range number
        }
        throw ApiException.badRequest("invalid_limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
    }

    private static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_cursor", "cursor is not one this server returned");
        }
    }
}
