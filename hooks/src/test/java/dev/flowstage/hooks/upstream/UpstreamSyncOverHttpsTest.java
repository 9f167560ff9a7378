package dev.flowstage.hooks.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link UpstreamSyncContract} over HTTPS (lighttpd + git http-backend, a CA made by the test, Basic auth). */
class UpstreamSyncOverHttpsTest extends UpstreamSyncContract {
    @Override
    GitRemote start(Path dir) throws Exception {
        return new LighttpdGitRemote(dir);
    }

    @Test
    void anIdleSyncIsOneRefAdvertisementAndNoObjectTransfer() throws Exception {
        remote.commit("flows", "main", Map.of("flows.json", FLOWS), "First");
        follow("line", "main", null);
        f.sync.run(UpstreamFixture.TEAM, "line");
        LighttpdGitRemote https = (LighttpdGitRemote) remote;
        int before = https.requests().size();

        f.sync.run(UpstreamFixture.TEAM, "line");

        List<String> idle = https.requests().subList(before, https.requests().size());
        assertEquals(1, idle.size(), "one request: " + idle);
        assertTrue(idle.get(0).contains("GET /flows.git/info/refs?service=git-upload-pack"), idle.get(0));
    }

    @Test
    void aServerWhoseCaIsNotGivenIsNotTrusted() throws Exception {
        remote.commit("flows", "main", Map.of("flows.json", FLOWS), "First");
        f.store.put(UpstreamFixture.TEAM, "olga", "line", UpstreamFixture.json("{\"url\": \"" + remote.url("flows")
                + "\", \"protocol\": \"https\", \"branch\": \"main\", \"intervalSeconds\": 120,"
                + " \"auth\": {\"username\": \"secret:remote/user\", \"password\": \"secret:remote/password\"}}"));

        UpstreamStatus st = f.sync.run(UpstreamFixture.TEAM, "line");

        assertEquals(UpstreamState.ERROR, st.state());
        assertTrue(st.error().startsWith("TLS certificate not trusted"), st.error());
    }

    @Test
    void aGitIntegrationGivesTokenAndCa() throws Exception {
        String sha = remote.commit("flows", "main", Map.of("flows.json", FLOWS), "First");
        f.integrations.create(UpstreamFixture.TEAM, "olga", "onprem", "other", LighttpdGitRemote.USER,
                LighttpdGitRemote.PASSWORD, ((LighttpdGitRemote) remote).caPem);
        f.store.put(UpstreamFixture.TEAM, "olga", "line", UpstreamFixture.json("{\"url\": \"" + remote.url("flows")
                + "\", \"protocol\": \"https\", \"branch\": \"main\", \"intervalSeconds\": 120, \"integration\": \"onprem\"}"));

        UpstreamStatus st = f.sync.run(UpstreamFixture.TEAM, "line");

        assertEquals(sha, st.lastApplied(), String.valueOf(st.error()));
    }
}
