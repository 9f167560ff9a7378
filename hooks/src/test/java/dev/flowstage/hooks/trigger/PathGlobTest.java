package dev.flowstage.hooks.trigger;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PathGlobTest {
    private static boolean m(String glob, String path) {
        return PathGlob.compile(glob).matches(path);
    }

    @Test
    void singleStarStaysInOneName() {
        assertTrue(m("flows.json", "flows.json"));
        assertFalse(m("flows.json", "sub/flows.json"));
        assertTrue(m("*.json", "env.json"));
        assertFalse(m("*.json", "lib/env.json"));
        assertTrue(m("lib/*.js", "lib/a.js"));
        assertFalse(m("lib/*.js", "lib/x/a.js"));
        assertTrue(m("flows?.json", "flows2.json"));
        assertFalse(m("flows?.json", "flows.json"));
    }

    @Test
    void doubleStarCrossesFolders() {
        assertTrue(m("**/flows.json", "flows.json"));
        assertTrue(m("**/flows.json", "a/b/flows.json"));
        assertTrue(m("lib/**", "lib/a/b/c.js"));
        assertFalse(m("lib/**", "library/a.js"));
        assertTrue(m("lib/**/test.js", "lib/test.js"));
        assertTrue(m("lib/**/test.js", "lib/x/y/test.js"));
        assertTrue(m("**", "anything/at/all"));
    }

    @Test
    void otherCharactersAreLiteral() {
        assertTrue(m("a+b(1).json", "a+b(1).json"));
        assertFalse(m("a.json", "abjson"));
        assertTrue(m("[x].json", "[x].json"));
    }
}
