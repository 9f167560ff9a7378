package dev.flowstage.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NamesTest {
    /** The allow-list as SPEC §2 writes it; the hand-written check must agree with it everywhere. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern USER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    @Test
    void agreesWithTheSpecsPatternOnEdgeCasesAndRandomStrings() {
        List<String> samples = new ArrayList<>(List.of("", "a", "0", "-", "-a", "a-", "a--b", "A", "aB", "a.b", "a_b",
                "a..b", "a.", ".a", "_a", "a\n", "a b", "ä", "a/b", "a".repeat(63), "a".repeat(64), "dev", "pi-1",
                "_config", "x".repeat(62) + "-"));
        Random random = new Random(42);
        String alphabet = "ab09-._A/\n é";
        for (int i = 0; i < 20_000; i++) {
            int len = random.nextInt(70);
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < len; k++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            samples.add(b.toString());
        }
        for (String s : samples) {
            assertEquals(NAME.matcher(s).matches(), Names.isValid(s), s);
            boolean user = USER.matcher(s).matches() && !s.contains("..") && !s.endsWith(".");
            assertEquals(user, Names.isValidUser(s), s);
        }
        assertFalse(Names.isValid(null));
        assertFalse(Names.isValidUser(null));
    }

    @Test
    void requireNamesWhatIsWrong() {
        assertEquals("dev", Names.require("target", "dev"));
        InvalidNameException e = assertThrows(InvalidNameException.class, () -> Names.require("target", "Dev"));
        assertTrue(e.getMessage().startsWith("target name 'Dev' is not allowed"), e.getMessage());
        assertEquals("mia.k", Names.requireUser("mia.k"));
        assertThrows(InvalidNameException.class, () -> Names.requireUser("mia."));
    }
}
