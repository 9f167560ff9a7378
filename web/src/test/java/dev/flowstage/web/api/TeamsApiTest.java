package dev.flowstage.web.api;

import static dev.flowstage.web.api.ApiServer.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.storage.repo.RepoName;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Teams, members and roles (SPEC §4): who sees and who changes what. */
class TeamsApiTest {
    @TempDir
    Path data;
    ApiServer api;
    String olive;
    String bob;
    String vera;
    String eve;

    @BeforeEach
    void start() throws Exception {
        api = new ApiServer(data);
        olive = api.user("olive", "olive-password");
        bob = api.user("bob", "bob-password");
        vera = api.user("vera", "vera-password");
        eve = api.user("eve", "eve-password");
        api.post("/teams", admin(), "{\"name\":\"acme\"}").expect(201);
        api.call("PUT", "/teams/acme/members/olive", admin(), "{\"role\":\"owner\"}").expect(201);
        api.call("PUT", "/teams/acme/members/bob", olive, "{\"role\":\"member\"}").expect(201);
        api.call("PUT", "/teams/acme/members/vera", olive, "{\"role\":\"viewer\"}").expect(201);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void creatorIsOwnerAndMembersAreListed() throws Exception {
        JsonNode members = api.get("/teams/acme/members", vera).expect(200);
        List<String> lines = new ArrayList<>();
        members.path("items").forEach(m -> lines.add(m.path("user").asText() + "=" + m.path("role").asText()));
        assertEquals(List.of("admin=owner", "bob=member", "olive=owner", "vera=viewer"), lines);
        assertTrue(members.path("next").isNull());
    }

    @Test
    void onlyAdminsCreateTeamsAndDuplicatesConflict() throws Exception {
        assertEquals("only a server admin can create teams",
                api.post("/teams", olive, "{\"name\":\"other\"}").error(403, "forbidden"));
        api.post("/teams", admin(), "{\"name\":\"acme\"}").error(409, "conflict");
        String msg = api.post("/teams", admin(), "{\"name\":\"Acme_1\"}").error(422, "invalid_name");
        assertTrue(msg.contains("Acme_1"), msg);
    }

    @Test
    void teamListShowsOnlyCallersTeams() throws Exception {
        api.post("/teams", admin(), "{\"name\":\"globex\"}").expect(201);
        JsonNode mine = api.get("/teams", bob).expect(200).path("items");
        assertEquals(1, mine.size());
        assertEquals("acme", mine.get(0).path("name").asText());
        assertEquals("member", mine.get(0).path("role").asText());
        assertEquals(0, api.get("/teams", eve).expect(200).path("items").size());
        assertEquals(2, api.get("/teams", admin()).expect(200).path("items").size());
    }

    @Test
    void nonMembersGet404ForEverythingOfTheTeam() throws Exception {
        String unknown = api.get("/teams/nope", eve).error(404, "not_found");
        assertEquals(unknown.replace("nope", "acme"), api.get("/teams/acme", eve).error(404, "not_found"));
        api.get("/teams/acme/members", eve).error(404, "not_found");
        api.get("/teams/acme/instances", eve).error(404, "not_found");
        api.post("/teams/acme/applications", eve, "{\"name\":\"x\"}").error(404, "not_found");
    }

    @Test
    void viewersAndMembersReadButOnlyOwnersChangeConfig() throws Exception {
        assertEquals("viewer", api.get("/teams/acme", vera).expect(200).path("role").asText());
        assertTrue(api.post("/teams/acme/applications", vera, "{\"name\":\"factory\"}").error(403, "forbidden")
                .contains("owner"));
        api.post("/teams/acme/applications", bob, "{\"name\":\"factory\"}").error(403, "forbidden");
        api.post("/teams/acme/applications", olive, "{\"name\":\"factory\"}").expect(201);
        api.get("/teams/acme/applications/factory", vera).expect(200);
        api.call("PUT", "/teams/acme/members/eve", bob, "{\"role\":\"viewer\"}").error(403, "forbidden");
        api.call("DELETE", "/teams/acme", bob, null).error(403, "forbidden");
    }

    @Test
    void memberMustExistAndRoleMustBeValid() throws Exception {
        assertEquals("user 'ghost' does not exist",
                api.call("PUT", "/teams/acme/members/ghost", olive, "{\"role\":\"member\"}").error(422, "invalid"));
        assertEquals("role must be one of owner, member, viewer",
                api.call("PUT", "/teams/acme/members/eve", olive, "{\"role\":\"boss\"}").error(422, "invalid"));
        assertEquals("member", api.call("PUT", "/teams/acme/members/vera", olive, "{\"role\":\"member\"}")
                .expect(200).path("role").asText());
    }

    @Test
    void roleChangeAndRemovalTakeEffectAtOnce() throws Exception {
        api.get("/teams/acme", bob).expect(200);
        api.call("DELETE", "/teams/acme/members/bob", olive, null).expect(204);
        api.get("/teams/acme", bob).error(404, "not_found");
        api.call("DELETE", "/teams/acme/members/bob", olive, null).error(404, "not_found");
    }

    @Test
    void theLastOwnerCannotBeRemovedOrDemoted() throws Exception {
        api.call("DELETE", "/teams/acme/members/admin", olive, null).expect(204);
        assertEquals("team 'acme' must keep at least one owner",
                api.call("DELETE", "/teams/acme/members/olive", olive, null).error(409, "conflict"));
        api.call("PUT", "/teams/acme/members/olive", olive, "{\"role\":\"member\"}").error(409, "conflict");
    }

    @Test
    void deletingTeamRemovesTargetReposAndDeviceCredentials() throws Exception {
        api.post("/teams/acme/applications", olive, "{\"name\":\"factory\"}").expect(201);
        api.post("/teams/acme/instances", olive, "{\"name\":\"dev\",\"application\":\"factory\"}").expect(201);
        api.post("/teams/acme/devices", olive, "{\"name\":\"pi\",\"application\":\"factory\"}").expect(201);
        assertTrue(api.services.repos().exists(new RepoName("acme", "dev")));
        api.call("DELETE", "/teams/acme", olive, null).expect(204);
        assertFalse(api.services.repos().exists(new RepoName("acme", "dev")));
        assertFalse(api.services.repos().exists(new RepoName("acme", "pi")));
        assertTrue(api.services.site().device("acme", "pi").isEmpty());
        api.get("/teams/acme", olive).error(404, "not_found");
        api.post("/teams", admin(), "{\"name\":\"acme\"}").expect(201);
    }
}
