package dev.flowstage.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class AccessLogLineTest {
    private static AccessLogLine line(String path, String query, String agent) {
        return new AccessLogLine("203.0.113.7", Optional.of("alice"), Instant.parse("2026-12-02T05:48:02.123Z"), "GET",
                path, Optional.ofNullable(query), "HTTP/1.1", 200, 312, Optional.ofNullable(agent), 14);
    }

    @Test
    void combinedLayoutWithTheDurationAppended() {
        assertEquals("203.0.113.7 - alice [02/Dec/2026:05:48:02 +0000] \"GET /api/v1/teams?limit=10 HTTP/1.1\" 200 312"
                + " \"-\" \"curl/8.5.0\" 14", line("/api/v1/teams", "limit=10", "curl/8.5.0").format());
    }

    @Test
    void noUserNoAgentNoQuery() {
        AccessLogLine anonymous = new AccessLogLine("::1", Optional.empty(), Instant.parse("2026-01-05T23:00:00Z"),
                "POST", "/healthz", Optional.empty(), "HTTP/2.0", 404, 0, Optional.empty(), 0);
        assertEquals("::1 - - [05/Jan/2026:23:00:00 +0000] \"POST /healthz HTTP/2.0\" 404 0 \"-\" \"-\" 0",
                anonymous.format());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/api/v1/teams/acme/pipelines/release/hooks/s3cr3t-XYZ | /api/v1/teams/acme/pipelines/release/hooks/***",
        "/api/v1/teams/acme/pipelines/release/hooks/s3cr3t/more | /api/v1/teams/acme/pipelines/release/hooks/***",
        "/api/v1/teams/acme/pipelines/release/hooks//s3cr3t      | /api/v1/teams/acme/pipelines/release/hooks/***",
        "/api/v1/teams/acme/pipelines/release/HOOKS/s3cr3t       | /api/v1/teams/acme/pipelines/release/HOOKS/***",
        "/api/v1/teams/acme/pipelines/release/hook%73/s3cr3t     | /api/v1/teams/acme/pipelines/release/hook%73/***",
        "/api/v1/teams/acme/pipelines/release/hooks;x=1/s3cr3t   | /api/v1/teams/acme/pipelines/release/hooks;x=1/***",
        "/api/v1/teams/acme/pipelines/release/hooks              | /api/v1/teams/acme/pipelines/release/hooks",
        "/api/v1/teams/acme/pipelines/release/hooks/             | /api/v1/teams/acme/pipelines/release/hooks/***",
        "/api/v1/teams/acme/webhooks/notify                      | /api/v1/teams/acme/webhooks/notify",
        "/git/acme/instances/line-1.git/info/refs                | /git/acme/instances/line-1.git/info/refs",
    })
    void theWebhookSecretInThePathIsNeverWritten(String path, String logged) {
        assertEquals(logged, AccessLogLine.redactPath(path));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "service=git-upload-pack                  | service=git-upload-pack",
        "limit=5&cursor=abc&action=push           | limit=5&cursor=abc&action=push",
        "secret=s3cr3t                            | secret=***",
        "ticket=t1ck3t&limit=1                    | ticket=***&limit=1",
        "Secret=s3cr3t                            | secret=***",
        "sec%72et=s3cr3t                          | secret=***",
        "access_token=abc                         | access_token=***",
        "whatever=s3cr3t                          | ***",
        "s3cr3t                                   | ***",
        "stage=prod&s3cr3t&=x                     | stage=prod&***&***",
    })
    void queryValuesAreKeptOnlyWhereTheyCarryNoSecret(String query, String logged) {
        assertEquals(logged, AccessLogLine.redactQuery(query));
    }

    @Test
    void aHeaderCannotForgeALine() {
        String logged = line("/healthz", null, "evil\" 200 0\n10.0.0.1 - admin [x] \"GET / HTTP/1.1\\ é").format();
        assertEquals("203.0.113.7 - alice [02/Dec/2026:05:48:02 +0000] \"GET /healthz HTTP/1.1\" 200 312 \"-\""
                + " \"evil\\\" 200 0\\x0a10.0.0.1 - admin [x] \\\"GET / HTTP/1.1\\\\ \\u00e9\" 14", logged);
    }
}
