package dev.flowstage.web.api;

import static dev.flowstage.web.api.ApiServer.admin;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of 4xx a client can cause, one request each: the message names the field, header,
 * parameter, path or method at fault, so the caller knows what to change without reading the server.
 */
class ApiErrorsNameTheCulpritTest {
    private static final String JSON = "application/json";
    @TempDir
    static Path data;
    private static ApiServer api;

    @BeforeAll
    static void start() throws Exception {
        api = new ApiServer(data);
    }

    @AfterAll
    static void stop() throws Exception {
        api.close();
    }

    /** A request and what its error must say: status, code and the words that name the culprit. */
    record Case(String what, String method, String path, String auth, String body, String contentType,
                int status, String code, String named) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Arguments> cases() {
        String admin = admin();
        return Stream.of(
                new Case("missing field", "POST", "/teams", admin, "{}", JSON, 422, "missing_field", "'name'"),
                new Case("wrong type", "POST", "/teams", admin, "{\"name\":[\"acme\"]}", JSON, 400, "invalid_field", "'name'"),
                new Case("unknown field", "POST", "/teams", admin, "{\"name\":\"acme\",\"colour\":\"red\"}", JSON,
                        400, "unknown_field", "'colour'"),
                new Case("malformed JSON", "POST", "/teams", admin, "{\n  \"name\": \"acme\",\n  oops\n}", JSON,
                        400, "invalid_json", "line 3, column"),
                new Case("bad name", "POST", "/teams", admin, "{\"name\":\"Not A Name!\"}", JSON, 422, "invalid_name",
                        "team name 'Not A Name!'"),
                new Case("bad limit", "GET", "/teams?limit=lots", admin, null, null, 400, "invalid_limit", "limit"),
                new Case("bad cursor", "GET", "/teams?cursor=%25%25", admin, null, null, 400, "invalid_cursor", "cursor"),
                new Case("missing Authorization", "GET", "/teams", null, null, null, 401, "unauthorized",
                        "Authorization header"),
                new Case("malformed Authorization", "GET", "/teams", "Digest abc", null, null, 401, "unauthorized",
                        "Authorization header"),
                new Case("wrong Content-Type", "POST", "/teams", admin, "{\"name\":\"acme\"}", "text/plain", 415,
                        "unsupported_media_type", "Content-Type 'text/plain' is not accepted: POST /api/v1/teams expects Content-Type: application/json"),
                new Case("form Content-Type on a PATCH", "PATCH", "/users/admin", admin, "{}",
                        "application/x-www-form-urlencoded", 415, "unsupported_media_type",
                        "expects Content-Type: application/json"),
                new Case("no Content-Type", "POST", "/teams", admin, "{\"name\":\"acme\"}", null, 415,
                        "unsupported_media_type", "no Content-Type header: POST /api/v1/teams expects Content-Type: application/json"),
                new Case("unknown path", "GET", "/no-such-thing", admin, null, null, 404, "not_found", "/api/v1/no-such-thing"),
                new Case("wrong method", "DELETE", "/teams", admin, null, null, 405, "method_not_allowed",
                        "DELETE is not allowed on /api/v1/teams; allowed: GET, "))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void theMessageNamesWhatIsWrong(Case c) throws Exception {
        String message = api.call(c.method(), c.path(), c.auth(), c.body(), c.contentType()).error(c.status(), c.code());
        assertTrue(message.contains(c.named()), c.what() + ": '" + message + "' should name " + c.named());
    }
}
