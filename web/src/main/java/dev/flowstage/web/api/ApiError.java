package dev.flowstage.web.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The error body every failure shares: {@code {"error":{"code":"snake_case","message":"..."}}}. */
public record ApiError(Detail error) {
    /** The code and human sentence of an error. */
    public record Detail(String code, String message) {}

    public static Response response(int status, String code, String message) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(new Detail(code, message)))
                .build();
    }
}
