package dev.flowstage.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PageTest {
    record Item(String name, Instant createdAt) {}

    static final Function<Item, String> KEY = i -> Page.newestFirst(i.createdAt(), i.name());

    @Test
    void newestFirstThenByName() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<Item> items = List.of(new Item("b", t), new Item("old", t.minusSeconds(60)), new Item("a", t),
                new Item("new", t.plusNanos(1)));
        Page<String> page = Page.of(items, KEY, Item::name, null, null);
        assertEquals(List.of("new", "a", "b", "old"), page.items());
        assertNull(page.next());
    }

    @Test
    void deletedCursorItemDoesNotBreakTheWalk() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<Item> items = List.of(new Item("a", t.plusSeconds(3)), new Item("b", t.plusSeconds(2)),
                new Item("c", t.plusSeconds(1)));
        Page<String> first = Page.of(items, KEY, Item::name, "1", null);
        assertEquals(List.of("a"), first.items());
        assertEquals(List.of("b", "c"), Page.of(items, KEY, Item::name, "5", first.next()).items());
        // "a", which the cursor points at, is gone: the walk still resumes after it
        assertEquals(List.of("b", "c"), Page.of(items.subList(1, 3), KEY, Item::name, "5", first.next()).items());
    }

    @Test
    void badLimitsAndCursors() {
        assertEquals(400, assertThrows(ApiException.class, () -> Page.of(List.<Item>of(), KEY, Item::name, "-1", null)).status());
        ApiException e = assertThrows(ApiException.class, () -> Page.of(List.<Item>of(), KEY, Item::name, null, "***"));
        assertTrue(e.getMessage().contains("cursor"));
    }
}
