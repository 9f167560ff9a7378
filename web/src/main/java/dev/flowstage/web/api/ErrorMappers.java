package dev.flowstage.web.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.flowstage.storage.InvalidNameException;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaNotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The exception mappers that give every failure the one error shape of SPEC §5. */
final class ErrorMappers {
    private ErrorMappers() {}

    /** All mappers, for registration. */
    static List<Object> all() {
        return List.of(new Api(), new Conflict(), new NotFound(), new Invalid(), new InvalidName(),
                new Json(), new Jaxrs(), new Unexpected());
    }

    /** Our own refusals. */
    static final class Api implements ExceptionMapper<ApiException> {
        @Override
        public Response toResponse(ApiException e) {
            return ApiError.response(e.status(), e.code(), e.getMessage());
        }
    }

    static final class Conflict implements ExceptionMapper<MetaConflictException> {
        @Override
        public Response toResponse(MetaConflictException e) {
            return ApiError.response(409, "conflict", e.getMessage());
        }
    }

    static final class NotFound implements ExceptionMapper<MetaNotFoundException> {
        @Override
        public Response toResponse(MetaNotFoundException e) {
            return ApiError.response(404, "not_found", e.getMessage());
        }
    }

    static final class Invalid implements ExceptionMapper<MetaInvalidException> {
        @Override
        public Response toResponse(MetaInvalidException e) {
            return ApiError.response(422, "invalid", e.getMessage());
        }
    }

    static final class InvalidName implements ExceptionMapper<InvalidNameException> {
        @Override
        public Response toResponse(InvalidNameException e) {
            return ApiError.response(422, "invalid_name", e.getMessage());
        }
    }

    /** Request bodies that are not JSON, or JSON that does not fit the expected shape. */
    static final class Json implements ExceptionMapper<JsonProcessingException> {
        @Override
        public Response toResponse(JsonProcessingException e) {
            StreamReadException syntax = syntaxError(e);
            if (syntax != null) {
                return ApiError.response(400, "invalid_json", "malformed JSON" + location(syntax.getLocation())
                        + ": " + firstLine(syntax.getOriginalMessage()));
            }
            if (e instanceof UnrecognizedPropertyException u) {
                return ApiError.response(400, "unknown_field", "unknown field '" + path(u) + "'");
            }
            if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
                return ApiError.response(400, "invalid_field", "field '" + path(m) + "' has the wrong type or value");
            }
            return ApiError.response(400, "invalid_json", "the request body does not have the expected shape"
                    + location(e.getLocation()) + ": " + firstLine(e.getOriginalMessage()));
        }

        /** A syntax error, also when Jackson reports it wrapped in a mapping error (e.g. input ends inside a value). */
        private static StreamReadException syntaxError(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof StreamReadException s) {
                    return s;
                }
            }
            return null;
        }

        private static String path(JsonMappingException m) {
            return m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
        }

        private static String location(JsonLocation l) {
            return l == null || l.getLineNr() < 0 ? "" : " at line " + l.getLineNr() + ", column " + l.getColumnNr();
        }

        private static String firstLine(String s) {
            if (s == null) {
                return "unreadable input";
            }
            int nl = s.indexOf('\n');
            return nl < 0 ? s : s.substring(0, nl);
        }
    }

    /**
     * Jersey's own answers (unknown path, wrong method, unsupported media type, ...) in our shape, each
     * naming what was wrong: the path, the method and what is allowed, the Content-Type expected.
     */
    static final class Jaxrs implements ExceptionMapper<WebApplicationException> {
        // The request Jersey refused, to name its method, path and Content-Type (a per-request proxy)
        @Context
        private HttpServletRequest request;

        @Override
        public Response toResponse(WebApplicationException e) {
            Response original = e.getResponse();
            int status = original.getStatus();
            if (status == 415 && request != null) {
                return JsonContentTypeFilter.refusal(request.getMethod(), path(), request.getHeader(HttpHeaders.CONTENT_TYPE));
            }
            String allow = original.getHeaderString(HttpHeaders.ALLOW);
            Response.ResponseBuilder out = Response.fromResponse(
                    ApiError.response(status, code(status), message(original, allow)));
            if (allow != null) {
                out.header(HttpHeaders.ALLOW, allow);
            }
            return out.build();
        }

        private static String code(int status) {
            return switch (status) {
                case 400 -> "bad_request";
                case 401 -> "unauthorized";
                case 403 -> "forbidden";
                case 404 -> "not_found";
                case 405 -> "method_not_allowed";
                case 406 -> "not_acceptable";
                case 415 -> "unsupported_media_type";
                default -> status >= 500 ? "internal_error" : "http_" + status;
            };
        }

        private String message(Response r, String allow) {
            if (r.getStatus() == 404) {
                return request == null ? "no such resource" : "no such resource: " + path();
            }
            if (r.getStatus() == 405 && request != null) {
                return request.getMethod() + " is not allowed on " + path()
                        + (allow == null ? "" : "; allowed: " + String.join(", ", new TreeSet<>(
                                Arrays.asList(allow.split("\\s*,\\s*")))));
            }
            if (r.getStatus() >= 500) {
                return "internal error";
            }
            Response.StatusType info = r.getStatusInfo();
            return info.getReasonPhrase() == null ? "request refused" : info.getReasonPhrase().toLowerCase();
        }

        private String path() {
            return request.getRequestURI();
        }
    }

    /** Anything else is our bug: log it, tell the caller nothing about internals. */
    static final class Unexpected implements ExceptionMapper<Throwable> {
        private static final Logger LOG = LoggerFactory.getLogger(Unexpected.class);

        @Override
        public Response toResponse(Throwable e) {
            LOG.error("API request failed", e);
            return ApiError.response(500, "internal_error", "internal error");
        }
    }
}
