package dev.flowstage.hooks.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainMovedListenersTest {
    @Test
    void everyListenerHearsInOrderEvenWhenOneFails() {
        List<String> heard = new ArrayList<>();
        MainMovedListeners listeners = new MainMovedListeners();
        listeners.add((team, target, oldSha, newSha, actor) -> heard.add("first " + target + " " + newSha));
        listeners.add((team, target, oldSha, newSha, actor) -> {
            throw new IllegalStateException("Node-RED is down");
        });
        listeners.add((team, target, oldSha, newSha, actor) -> heard.add("third " + actor + " " + oldSha));
        listeners.onMainMoved("acme", "dev", null, "abc", "olga");
        assertEquals(List.of("first dev abc", "third olga null"), heard);
    }
}
