package dev.flowstage.agent.nodered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.agent.AgentException;
import dev.flowstage.storage.snapshot.NodeRedCredentials;
import dev.flowstage.storage.snapshot.Snapshot;
import org.junit.jupiter.api.Test;

class DeployFlowsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FLOWS = """
            [{"id":"t1","type":"tab","label":"Flow 1"},
             {"id":"b1","type":"mqtt-broker","broker":"localhost"},
             {"id":"i1","type":"inject","z":"t1"}]
            """;

    @Test
    void eachNodeWithCredentialsCarriesThemDecrypted() throws Exception {
        ObjectNode creds = (ObjectNode) JSON.readTree("{\"b1\":{\"user\":\"u\",\"password\":\"p4ss\"},\"gone\":{\"password\":\"x\"}}");
        Snapshot s = Snapshot.EMPTY.with("flows.json", FLOWS)
                .with("flows_cred.json", NodeRedCredentials.encrypt(creds, "device-secret"));

        ArrayNode flows = DeployFlows.build(s, "device-secret");

        assertThat(flows).hasSize(3);
        assertThat(flows.get(1).get("credentials")).isEqualTo(JSON.readTree("{\"user\":\"u\",\"password\":\"p4ss\"}"));
        assertThat(flows.get(0).has("credentials")).isFalse();
        assertThat(flows.get(2).has("credentials")).isFalse();
        assertThat(flows.toString()).doesNotContain("gone"); // credentials of nodes not in the flows are not sent
    }

    @Test
    void plainCredentialsNeedNoSecret() throws Exception {
        Snapshot s = Snapshot.EMPTY.with("flows.json", FLOWS).with("flows_cred.json", "{\"b1\":{\"user\":\"u\"}}");
        assertThat(DeployFlows.build(s, null).get(1).get("credentials").get("user").asText()).isEqualTo("u");
    }

    @Test
    void noCredentialsFileMeansTheFlowsAsTheyAre() throws Exception {
        ArrayNode flows = DeployFlows.build(Snapshot.EMPTY.with("flows.json", FLOWS), "s");
        assertThat(flows).isEqualTo(JSON.readTree(FLOWS));
    }

    @Test
    void aWrongSecretIsNamed() throws Exception {
        ObjectNode creds = (ObjectNode) JSON.readTree("{\"b1\":{\"password\":\"p\"}}");
        Snapshot s = Snapshot.EMPTY.with("flows.json", FLOWS)
                .with("flows_cred.json", NodeRedCredentials.encrypt(creds, "the-right-one"));
        assertThatThrownBy(() -> DeployFlows.build(s, "another"))
                .isInstanceOf(AgentException.class)
                .hasMessageContaining("flows_cred.json cannot be decrypted with this credential secret");
    }

    @Test
    void flowsThatAreNoArrayAreNamed() {
        assertThatThrownBy(() -> DeployFlows.build(Snapshot.EMPTY.with("flows.json", "{\"id\":1}"), "s"))
                .hasMessage("the snapshot's flows.json is not a JSON array of nodes");
        assertThatThrownBy(() -> DeployFlows.build(Snapshot.EMPTY, "s"))
                .hasMessage("the snapshot has no flows.json");
    }

    @Test
    void packageJsonDependenciesAreTheModules() {
        Snapshot s = Snapshot.EMPTY.with("package.json",
                "{\"name\":\"p\",\"dependencies\":{\"node-red-contrib-a\":\"~1.2.0\",\"@scope/b\":\"2.0.0\",\"node-red\":\"5.0.7\"}}");
        assertThat(ModuleInstaller.dependencies(s))
                .containsExactly(java.util.Map.entry("node-red-contrib-a", "~1.2.0"), java.util.Map.entry("@scope/b", "2.0.0"));
        assertThat(ModuleInstaller.dependencies(Snapshot.EMPTY)).isEmpty();
    }

    @Test
    void missingModulesAreThoseNotInTheUserDir(@org.junit.jupiter.api.io.TempDir java.nio.file.Path userDir) throws Exception {
        java.nio.file.Path a = java.nio.file.Files.createDirectories(userDir.resolve("node_modules/node-red-contrib-a"));
        java.nio.file.Files.writeString(a.resolve("package.json"), "{\"name\":\"node-red-contrib-a\",\"version\":\"1.2.3\"}");
        ModuleInstaller installer = new ModuleInstaller(userDir, "npm");
        assertThat(installer.missing(java.util.Map.of("node-red-contrib-a", "~1.2.0", "@scope/b", "2.0.0")))
                .containsOnlyKeys("@scope/b");
        assertThat(installer.installedVersion("node-red-contrib-a")).isEqualTo("1.2.3");
        assertThatThrownBy(() -> installer.installedVersion("../../etc"))
                .hasMessageContaining("is not an npm package name");
    }
}
