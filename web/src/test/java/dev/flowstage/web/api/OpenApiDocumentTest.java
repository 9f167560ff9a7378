package dev.flowstage.web.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/openapi.json}: served without credentials, built from the resources served. */
class OpenApiDocumentTest {
    @TempDir
    Path data;
    ApiServer api;

    @BeforeEach
    void start() throws Exception {
        api = new ApiServer(data);
    }

    @AfterEach
    void stop() throws Exception {
        api.close();
    }

    @Test
    void theDescriptionNeedsNoCredentialsAndNamesBothSecuritySchemes() throws Exception {
        JsonNode doc = api.get("/openapi.json", null).expect(200);
        assertTrue(doc.path("openapi").asText().startsWith("3."), doc.path("openapi").asText());
        assertEquals("basic", doc.path("components").path("securitySchemes").path("basic").path("scheme").asText());
        assertEquals("bearer", doc.path("components").path("securitySchemes").path("bearer").path("scheme").asText());
        JsonNode members = doc.path("paths").path("/teams/{team}/members/{user}");
        assertTrue(members.has("put") && members.has("delete"), doc.path("paths").toString());
        // the flows of both sides of a review, which the web UI draws
        assertTrue(doc.path("paths").path("/teams/{team}/reviews/{id}/flows").has("get"), doc.path("paths").toString());
        // approve and reject take the same optional body, a comment of at most 2000 characters
        for (String verb : new String[] {"approve", "reject"}) {
            JsonNode post = doc.path("paths").path("/teams/{team}/reviews/{id}/" + verb).path("post");
            assertEquals("#/components/schemas/DecisionBody",
                    post.at("/requestBody/content/application~1json/schema/$ref").asText(), post.toString());
        }
        JsonNode comment = doc.at("/components/schemas/DecisionBody/properties/comment");
        assertEquals("string", comment.path("type").asText(), comment.toString());
        assertEquals(2000, comment.path("maxLength").asInt(), comment.toString());
        // every approval shows its comment
        assertTrue(doc.at("/components/schemas/ApprovalView/properties").has("comment"),
                doc.path("components").path("schemas").path("ApprovalView").toString());
    }

    @Test
    void onlyReadingTheDescriptionIsFree() throws Exception {
        api.call("POST", "/openapi.json", null, "{}").error(401, "unauthorized");
    }
}
