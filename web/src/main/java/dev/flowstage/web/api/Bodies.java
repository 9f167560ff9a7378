package dev.flowstage.web.api;

/** Checks on request bodies that Jackson cannot make: a body is present, required fields are set. */
public final class Bodies {
    private Bodies() {}

    public static <T> T require(T body) {
        if (body == null) {
            throw missingBody();
        }
        return body;
    }

    public static ApiException missingBody() {
        return ApiException.badRequest("missing_body", "a JSON request body is required");
    }

    /** Returns {@code value}; a missing or blank required field is a 422 naming it. */
    public static String field(String name, String value) {
        if (value == null || value.isBlank()) {
            throw ApiException.invalid("missing_field", "field '" + name + "' is required");
        }
        return value;
    }

    public static <T> T field(String name, T value) {
        if (value == null) {
            throw ApiException.invalid("missing_field", "field '" + name + "' is required");
        }
        return value;
    }
}
