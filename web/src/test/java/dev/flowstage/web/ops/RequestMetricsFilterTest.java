package dev.flowstage.web.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RequestMetricsFilterTest {
    @Test
    void countsPerAreaMethodAndStatusAndFoldsUnknownMethods() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RequestMetricsFilter filter = new RequestMetricsFilter(registry);
        for (String[] r : List.of(new String[] {"POST", "/git/acme/dev.git/git-upload-pack"},
                new String[] {"POST", "/git/acme/dev.git/git-upload-pack"}, new String[] {"GET", "/api/v1/teams"},
                new String[] {"BREW", "/healthz"}, new String[] {"XYZZY", "/healthz"})) {
            filter.doFilter(request(r[0], r[1]), response(200), (req, rsp) -> { });
        }
        assertEquals(2.0, registry.get("http.server.requests").tags("area", "git", "method", "POST", "status", "200")
                .timer().count());
        assertEquals(1.0, registry.get("http.server.requests").tags("area", "api", "method", "GET").timer().count());
        assertEquals(2.0, registry.get("http.server.requests").tags("area", "ops", "method", "OTHER").timer().count());
        Set<String> methods = registry.getMeters().stream().map(m -> m.getId().getTag("method")).collect(Collectors.toSet());
        assertEquals(Set.of("POST", "GET", "OTHER"), methods);
        assertEquals(3, registry.getMeters().stream().map(Meter::getId).distinct().count());
    }

    @Test
    void aSuspendedRequestIsMeasuredWhenItCompletesWithItsFinalStatus() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RequestMetricsFilter filter = new RequestMetricsFilter(registry);
        java.util.concurrent.atomic.AtomicReference<jakarta.servlet.AsyncListener> listener =
                new java.util.concurrent.atomic.AtomicReference<>();
        jakarta.servlet.AsyncContext async = (jakarta.servlet.AsyncContext) Proxy.newProxyInstance(
                RequestMetricsFilterTest.class.getClassLoader(), new Class<?>[] {jakarta.servlet.AsyncContext.class},
                (p, m, a) -> {
                    if (m.getName().equals("addListener")) {
                        listener.set((jakarta.servlet.AsyncListener) a[0]);
                    }
                    return null;
                });
        HttpServletRequest watch = (HttpServletRequest) Proxy.newProxyInstance(
                RequestMetricsFilterTest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getMethod" -> "GET";
                    case "getRequestURI" -> "/api/v1/devices/self/watch";
                    case "isAsyncStarted" -> true;
                    case "getAsyncContext" -> async;
                    default -> null;
                });
        filter.doFilter(watch, response(204), (req, rsp) -> { });
        assertEquals(0, registry.getMeters().size(), "not measured while it waits");
        listener.get().onComplete(null);
        assertEquals(1.0, registry.get("http.server.requests").tags("area", "api", "method", "GET", "status", "204")
                .timer().count());
    }

    private static HttpServletRequest request(String method, String uri) {
        return (HttpServletRequest) Proxy.newProxyInstance(RequestMetricsFilterTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (p, m, a) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getRequestURI" -> uri;
                    case "isAsyncStarted" -> false;
                    default -> null;
                });
    }

    private static HttpServletResponse response(int status) {
        return (HttpServletResponse) Proxy.newProxyInstance(RequestMetricsFilterTest.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (p, m, a) -> m.getName().equals("getStatus") ? status : null);
    }
}
