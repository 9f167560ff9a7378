package dev.flowstage.web.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UiAssetsTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theVersionIsAHashOfEveryFileSoAnyChangeMakesANewOne() {
        UiAssets a = UiAssets.of(Map.of("index.html", b("<p>{{assets}}/app.js</p>"), "app.js", b("1")));
        UiAssets same = UiAssets.of(Map.of("app.js", b("1"), "index.html", b("<p>{{assets}}/app.js</p>")));
        UiAssets changed = UiAssets.of(Map.of("index.html", b("<p>{{assets}}/app.js</p>"), "app.js", b("2")));
        UiAssets renamed = UiAssets.of(Map.of("index.html", b("<p>{{assets}}/app.js</p>"), "app2.js", b("1")));
        assertThat(a.version()).matches("[0-9a-f]{12}").isEqualTo(same.version());
        assertThat(changed.version()).isNotEqualTo(a.version());
        assertThat(renamed.version()).isNotEqualTo(a.version());
        assertThat(new String(a.index(), StandardCharsets.UTF_8)).isEqualTo("<p>/ui/" + a.version() + "/app.js</p>");
    }

    @Test
    void servesFilesByPathButNeverTheTemplateOrAnythingOutside() {
        UiAssets a = UiAssets.of(Map.of("index.html", b("x"), "lib/dom.js", b("export {}"), "app.css", b("a{}")));
        assertThat(a.asset("lib/dom.js")).hasValueSatisfying(f ->
                assertThat(f.contentType()).isEqualTo("text/javascript; charset=UTF-8"));
        assertThat(a.asset("app.css")).hasValueSatisfying(f -> assertThat(f.contentType()).startsWith("text/css"));
        assertThat(a.asset("index.html")).isEmpty();
        assertThat(a.asset("../index.html")).isEmpty();
        assertThat(a.asset("lib/../app.css")).isEmpty();
        assertThat(a.asset("missing.js")).isEmpty();
        assertThat(a.asset(null)).isEmpty();
    }

    @Test
    void withoutAPageThereIsNoUi() {
        assertThatThrownBy(() -> UiAssets.of(Map.of("app.js", b("1")))).hasMessageContaining("index.html");
    }

    @Test
    void theRealUiLoadsFromTheClassPathWithItsShell() {
        UiAssets real = UiAssets.load();
        assertThat(real.asset("app.js")).isPresent();
        assertThat(real.asset("lib/api.js")).isPresent();
        assertThat(new String(real.index(), StandardCharsets.UTF_8)).contains("/ui/" + real.version() + "/app.js")
                .doesNotContain("{{assets}}");
    }
}
