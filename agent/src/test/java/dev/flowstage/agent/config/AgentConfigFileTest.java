package dev.flowstage.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowstage.agent.AgentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigFileTest {
    @TempDir
    Path dir;

    static AgentConfig sample() {
        return new AgentConfig("https://flowstage.test:8443", "team", "pi-1", "tok-SECRET",
                new AgentConfig.Tls("AB:CD", null),
                new AgentConfig.Git("https://flowstage.test:8443/git/team/pi-1.git", null, null),
                new AgentConfig.SigningKey("ABCDEF", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n...\n"),
                new AgentConfig.NodeRed("http://127.0.0.1:1880", "nr-TOKEN", null, null, "/home/pi/.node-red", true),
                null);
    }

    @Test
    void writesOwnerOnlyAndReadsBack() throws Exception {
        Path file = dir.resolve("agent/config.json");
        AgentConfigFile.write(file, sample());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(AgentConfigFile.read(file)).isEqualTo(sample());
        assertThat(Files.list(file.getParent())).containsExactly(file); // no temp file left behind
    }

    @Test
    void rewritingKeepsOwnerOnly() throws Exception {
        Path file = dir.resolve("config.json");
        AgentConfigFile.write(file, sample());
        AgentConfigFile.write(file, sample());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void theStateDirIsBesideTheConfigUnlessSet() {
        assertThat(sample().stateDir(dir.resolve("config.json"))).isEqualTo(dir.resolve("state"));
    }

    @Test
    void aConfigOthersCanReadIsRefused() throws Exception {
        Path file = dir.resolve("config.json");
        AgentConfigFile.write(file, sample());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> AgentConfigFile.read(file)).isInstanceOf(AgentException.class)
                .hasMessage("the config file " + file + " holds the device token but others may read it (rw-r--r--): run chmod 600 " + file);
    }

    @Test
    void aMissingConfigSaysToRunInit() {
        Path file = dir.resolve("nope.json");
        assertThatThrownBy(() -> AgentConfigFile.read(file))
                .hasMessage("no config file at " + file + ": provision the device with `flowstage-agent init` (or name the file with --config)");
    }

    @Test
    void brokenOrIncompleteConfigsAreNamed() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"server\": ");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(() -> AgentConfigFile.read(file)).hasMessageStartingWith("the config file " + file + " is not valid JSON");
        Files.writeString(file, "{\"server\":\"https://x\",\"team\":\"t\",\"device\":\"d\"}");
        assertThatThrownBy(() -> AgentConfigFile.read(file)).hasMessage("the config file " + file
                + " has no token: run `flowstage-agent init` again");
    }

    @Test
    void toStringShowsNoSecret() {
        assertThat(sample().toString()).doesNotContain("tok-SECRET").doesNotContain("nr-TOKEN").contains("team/pi-1");
    }
}
