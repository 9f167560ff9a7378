package dev.flowstage.web.api;

import static dev.flowstage.web.api.ApiServer.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lists are newest first and walk with {@code limit} and {@code cursor}. */
class PaginationApiTest {
    @TempDir
    Path data;
    ApiServer api;

    @BeforeEach
    void start() throws Exception {
        api = new ApiServer(data);
        api.post("/teams", admin(), "{\"name\":\"acme\"}").expect(201);
        for (int i = 0; i < 7; i++) {
            api.post("/teams/acme/applications", admin(), "{\"name\":\"app-" + i + "\"}").expect(201);
        }
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void cursorWalksEveryItemExactlyOnceNewestFirst() throws Exception {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            String q = "/teams/acme/applications?limit=3" + (cursor == null ? ""
                    : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode page = api.get(q, admin()).expect(200);
            page.path("items").forEach(a -> seen.add(a.path("name").asText()));
            cursor = page.path("next").isNull() ? null : page.path("next").asText();
            pages++;
        } while (cursor != null);
        assertEquals(3, pages);
        assertEquals(7, seen.size());
        assertEquals(7, new HashSet<>(seen).size());
        assertEquals("app-6", seen.get(0)); // created last
        assertEquals("app-0", seen.get(6));
    }

    @Test
    void itemsAddedDuringAWalkDoNotRepeatOthers() throws Exception {
        JsonNode first = api.get("/teams/acme/applications?limit=4", admin()).expect(200);
        api.post("/teams/acme/applications", admin(), "{\"name\":\"late\"}").expect(201);
        JsonNode second = api.get("/teams/acme/applications?cursor=" + first.path("next").asText(), admin()).expect(200);
        assertEquals(3, second.path("items").size());
        assertEquals("app-2", second.path("items").get(0).path("name").asText());
        assertTrue(second.path("next").isNull());
    }

    @Test
    void defaultLimitAndBadParameters() throws Exception {
        assertEquals(7, api.get("/teams/acme/applications", admin()).expect(200).path("items").size());
        assertEquals("limit must be a whole number from 1 to 100",
                api.get("/teams/acme/applications?limit=0", admin()).error(400, "invalid_limit"));
        api.get("/teams/acme/applications?limit=101", admin()).error(400, "invalid_limit");
        api.get("/teams/acme/applications?limit=ten", admin()).error(400, "invalid_limit");
        api.get("/teams/acme/applications?cursor=%25%25", admin()).error(400, "invalid_cursor");
    }
}
