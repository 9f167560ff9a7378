package dev.flowstage.storage.repo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RepoNameTest {
    @ParameterizedTest
    @ValueSource(strings = {"../x", "a/../b", "a/b/c", "A/b", "a/B.git", "a/b.git.git", "a%2Fb/c", "a/%2e%2e", "/a/b//",
        "a//b", "a\\b", "a/.git", "-a/b", "a/-b", ".a/b", "a/b c", "a/_other", "_config/x", "",
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/b",
        "a/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.git", "a/b\u0000", "a/ü"})
    void rejectsEverythingOutsideTheAllowList(String path) {
        assertEquals(Optional.empty(), RepoName.parse(path));
    }

    @Test
    void nullIsEmpty() {
        assertEquals(Optional.empty(), RepoName.parse(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"team/dev", "/team/dev.git", "team/dev.git/", "team/dev/"})
    void acceptsTeamAndName(String path) {
        assertEquals(Optional.of(new RepoName("team", "dev")), RepoName.parse(path));
    }

    @Test
    void acceptsConfigRepoAnd63CharNames() {
        assertTrue(RepoName.parse("team/_config.git").orElseThrow().isConfig());
        String n63 = "a".repeat(63);
        assertEquals(new RepoName(n63, n63), RepoName.parse(n63 + "/" + n63 + ".git").orElseThrow());
    }

    @Test
    void constructorRefusesInvalidParts() {
        assertThrows(IllegalArgumentException.class, () -> new RepoName("..", "x"));
        assertThrows(IllegalArgumentException.class, () -> new RepoName("a", "b/c"));
    }
}
