package dev.flowstage.web.api.devices;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flowstage.web.api.ApiJson;
import org.junit.jupiter.api.Test;

class WatchBodiesTest {
    private static final String SHA = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void theBytesAreWhatTheJsonWriterWouldWriteForTheView() throws Exception {
        byte[] expected = ApiJson.create().writeValueAsBytes(new DeviceSelfResource.WatchView(SHA));
        assertArrayEquals(expected, WatchBodies.body(SHA));
    }

    @Test
    void oneCommitsBodyIsMadeOnceAndOnlyFewAreKept() {
        assertSame(WatchBodies.body(SHA), WatchBodies.body(SHA));
        for (int i = 0; i < WatchBodies.KEPT * 3; i++) {
            WatchBodies.body(String.format("%040x", i));
            assertTrue(WatchBodies.held() <= WatchBodies.KEPT, "held " + WatchBodies.held());
        }
        assertArrayEquals(("{\"commit\":\"" + SHA + "\"}").getBytes(), WatchBodies.body(SHA));
    }

    @Test
    void somethingThatIsNotAShaIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> WatchBodies.body("main\"}"));
    }
}
