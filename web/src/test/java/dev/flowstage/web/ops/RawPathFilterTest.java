package dev.flowstage.web.ops;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RawPathFilterTest {
    @ParameterizedTest
    @ValueSource(strings = {"/git/acme/../acme/dev.git", "/git/a/./b.git", "/git//acme/dev.git", "/git/acme%2Fdev.git",
            "/git/acme/%2e%2e/dev.git", "/git/acme/dev%00.git", "/git/acme/..", "/api/v1/teams/%2E%2E"})
    void oddPathsAreRefused(String path) {
        assertThat(RawPathFilter.isOdd(path)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/git/acme/dev.git/info/refs", "/api/v1/teams/acme/instances", "/healthz",
            "/git/acme/dev.git/objects/pack/pack-1.pack", "/api/v1/teams/a-b/x.y"})
    void ordinaryPathsPass(String path) {
        assertThat(RawPathFilter.isOdd(path)).isFalse();
    }
}
