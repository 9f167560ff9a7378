package dev.flowstage.web.api;

import static dev.flowstage.web.api.ApiServer.admin;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a client gets for request bodies that are not what the API expects. */
class ApiJsonErrorsTest {
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
    void malformedJsonNamesLineAndColumn() throws Exception {
        String msg = api.post("/teams", admin(), "{\n  \"name\": \"acme\",\n  oops\n}").error(400, "invalid_json");
        assertTrue(msg.startsWith("malformed JSON at line 3, column "), msg);
    }

    @Test
    void truncatedJsonIsInvalidJson() throws Exception {
        String msg = api.post("/teams", admin(), "{\"name\": \"ac").error(400, "invalid_json");
        assertTrue(msg.contains("line 1"), msg);
    }

    @Test
    void unknownFieldIs400NamingIt() throws Exception {
        assertEquals("unknown field 'colour'",
                api.post("/teams", admin(), "{\"name\":\"acme\",\"colour\":\"red\"}").error(400, "unknown_field"));
    }

    @Test
    void fieldOfAnotherKindIsUnknown() throws Exception {
        api.post("/teams", admin(), "{\"name\":\"acme\"}").expect(201);
        api.post("/teams/acme/applications", admin(), "{\"name\":\"factory\"}").expect(201);
        assertEquals("unknown field 'protected'", api.post("/teams/acme/devices", admin(),
                "{\"name\":\"pi\",\"application\":\"factory\",\"protected\":true}").error(400, "unknown_field"));
    }

    @Test
    void unknownNestedFieldIsNamedWithItsPath() throws Exception {
        api.post("/teams", admin(), "{\"name\":\"acme\"}").expect(201);
        api.post("/teams/acme/applications", admin(), "{\"name\":\"factory\"}").expect(201);
        assertEquals("unknown field 'nodeRed.tokn'", api.post("/teams/acme/instances", admin(),
                "{\"name\":\"dev\",\"application\":\"factory\",\"nodeRed\":{\"url\":\"http://nr:1880\",\"tokn\":\"x\"}}")
                .error(400, "unknown_field"));
    }

    @Test
    void bodyThatIsNotJsonIs415() throws Exception {
        ApiServer.Reply r = api.call("POST", "/teams", admin(), "name=acme", "application/x-www-form-urlencoded");
        r.error(415, "unsupported_media_type");
    }

    @Test
    void wrongTypeNamesTheField() throws Exception {
        String msg = api.post("/teams", admin(), "{\"name\":[\"acme\"]}").error(400, "invalid_field");
        assertTrue(msg.contains("'name'"), msg);
    }

    @Test
    void missingBodyAndMissingFields() throws Exception {
        api.post("/teams", admin(), "").error(400, "missing_body");
        assertEquals("field 'name' is required", api.post("/teams", admin(), "{}").error(422, "missing_field"));
    }

    @Test
    void errorsDoNotLeakInternals() throws Exception {
        String text = api.post("/teams", admin(), "{\"name\": tru}").text;
        assertFalse(text.contains("com.fasterxml") || text.contains("Exception") || text.contains("\tat "), text);
    }
}
