package dev.flowstage.hooks.upstream;

import dev.flowstage.hooks.remote.testing.Cli;
import dev.flowstage.hooks.remote.testing.GitRemote;
import dev.flowstage.hooks.remote.testing.LighttpdGitRemote;
import dev.flowstage.hooks.remote.testing.SshdGitRemote;
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

    /**
     * Two instances following one remote with the same credentials: the second's sync takes the first's ref
     * advertisement (asked for after its own "not before") and finds the commit in the shared mirror, so it
     * makes no request at all; a sync that asks for a newer advertisement (as a webhook does) makes exactly one
     * request, and still no fetch.
     */
    @Test
    void followersOfOneRemoteShareTheAdvertisementAndTheFetch() throws Exception {
        String sha = remote.commit("flows", "main", Map.of("flows.json", FLOWS), "First");
        follow("line", "main", null);
        follow("other", "main", null);
        LighttpdGitRemote https = (LighttpdGitRemote) remote;
        java.time.Instant asked = java.time.Instant.now();

        UpstreamStatus line = f.sync.run(UpstreamFixture.TEAM, "line", asked);
        int afterFirst = https.requests().size();
        UpstreamStatus other = f.sync.run(UpstreamFixture.TEAM, "other", asked);

        assertEquals(UpstreamState.IN_SYNC, line.state(), String.valueOf(line.error()));
        assertEquals(UpstreamState.IN_SYNC, other.state(), String.valueOf(other.error()));
        assertEquals(sha, other.lastApplied());
        assertEquals(f.snapshot("line").bytes("flows.json").map(String::new),
                f.snapshot("other").bytes("flows.json").map(String::new));
        assertEquals(afterFirst, https.requests().size(), "no request for the second: " + https.requests());

        String second = remote.commit("flows", "main", Map.of("flows.json", FLOWS.replace("Line", "Line 2")), "Second");
        int before = https.requests().size();
        UpstreamStatus fresh = f.sync.run(UpstreamFixture.TEAM, "other", java.time.Instant.now());
        assertEquals(second, fresh.lastApplied(), String.valueOf(fresh.error()));
        int afterFetch = https.requests().size();
        assertTrue(afterFetch > before + 1, "an advertisement and a fetch: " + https.requests().subList(before, afterFetch));
        UpstreamStatus follower = f.sync.run(UpstreamFixture.TEAM, "line", java.time.Instant.now());
        assertEquals(second, follower.lastApplied(), String.valueOf(follower.error()));
        List<String> own = https.requests().subList(afterFetch, https.requests().size());
        assertEquals(1, own.size(), "one advertisement, no fetch: " + own);
        assertTrue(own.get(0).contains("GET /flows.git/info/refs?service=git-upload-pack"), own.get(0));
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
