package dev.flowstage.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowstage.server.testing.ApiClient;
import dev.flowstage.server.testing.FlowstageExtension;
import dev.flowstage.server.testing.TestServer;
import dev.flowstage.server.testing.TestUser;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the first start creates (admin, certificate, host key) and everything stored survive a restart. */
@ExtendWith(FlowstageExtension.class)
class RestartIT {
    @Test
    void stateKeysAndCertificateSurviveARestart(TestServer server) throws Exception {
        TestUser dana = server.newUser("dana");
        server.admin().expect(201, "POST", "/api/v1/teams", "{\"name\":\"keep\"}");
        server.admin().expect(201, "POST", "/api/v1/teams/keep/applications", "{\"name\":\"app\"}");
        server.admin().expect(201, "POST", "/api/v1/teams/keep/instances", "{\"name\":\"dev\",\"application\":\"app\"}");
        String tlsBefore = server.server().banner().tlsFingerprint();
        String sshBefore = server.server().banner().sshFingerprint();
        byte[] certBefore = Files.readAllBytes(server.tlsCertificate());
        assertThat(server.server().banner().generatedAdminPassword()).isEmpty();

        server.restart();

        assertThat(server.server().banner().tlsFingerprint()).isEqualTo(tlsBefore);
        assertThat(server.server().banner().sshFingerprint()).isEqualTo(sshBefore);
        assertThat(Files.readAllBytes(server.tlsCertificate())).isEqualTo(certBefore);
        assertThat(server.server().banner().generatedAdminPassword()).isEmpty();
        ApiClient.Response instance = server.as(dana).get("/api/v1/teams/keep/instances/dev");
        assertThat(instance.status()).as("dana is not a member: no existence leak").isEqualTo(404);
        assertThat(server.admin().get("/api/v1/teams/keep/instances/dev").status()).isEqualTo(200);
        assertThat(server.as(dana).get("/api/v1/user").get("name").asText()).isEqualTo("dana");
        assertThat(Files.isDirectory(server.dataDir().resolve("repos/keep/dev.git"))).isTrue();
    }
}
