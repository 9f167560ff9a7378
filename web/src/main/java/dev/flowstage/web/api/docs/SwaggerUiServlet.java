package dev.flowstage.web.api.docs;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * {@code /api/docs}: the browsable API page, Swagger UI from the {@code org.webjars:swagger-ui}
 * WebJar on the class path (no CDN), opened on {@code /api/v1/openapi.json}. The page and its start
 * script are ours; the other files under {@code /api/docs/} come from the WebJar as they are.
 */
public final class SwaggerUiServlet extends HttpServlet {
    /** Where the servlet is mounted, also the page's own address. */
    public static final String PATH = "/api/docs";
    private static final String OWN = "/dev/flowstage/web/api/docs/";
    private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
    // One file name, no directories: nothing outside the WebJar's folder can be named
    private static final Pattern ASSET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.of(
            "css", "text/css; charset=UTF-8",
            "js", "text/javascript; charset=UTF-8",
            "html", "text/html; charset=UTF-8",
            "map", "application/json",
            "png", "image/png");

    private final String webJarFolder = WEBJAR + webJarVersion() + "/";

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String asset = req.getPathInfo();
        if (asset == null || asset.equals("/") || asset.equals("/index.html")) {
            send(resp, OWN + "index.html", "text/html; charset=UTF-8", "no-cache");
            return;
        }
        String name = asset.substring(1);
        String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
        if (!ASSET.matcher(name).matches() || type == null) {
            notFound(resp);
        } else if (name.equals("flowstage-init.js")) {
            send(resp, OWN + name, type, "no-cache");
        } else {
            // the WebJar's files never change within one version of the server
            send(resp, "/" + webJarFolder + name, type, "public, max-age=86400");
        }
    }

    private static void send(HttpServletResponse resp, String resource, String type, String cache) throws IOException {
        try (InputStream in = SwaggerUiServlet.class.getResourceAsStream(resource)) {
            if (in == null) {
                notFound(resp);
                return;
            }
            resp.setStatus(200);
            resp.setContentType(type);
            resp.setHeader("Cache-Control", cache);
            resp.setHeader("X-Content-Type-Options", "nosniff");
            in.transferTo(resp.getOutputStream());
        }
    }

    private static void notFound(HttpServletResponse resp) throws IOException {
        resp.setStatus(404);
        resp.setContentType("text/plain; charset=UTF-8");
        resp.getWriter().write("flowstage: no such file of the API docs\n");
    }

    /** The WebJar's version, from its Maven metadata, so upgrading it is a change to the pom only. */
    static String webJarVersion() {
        try (InputStream in = SwaggerUiServlet.class.getResourceAsStream(
                "/META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the swagger-ui WebJar is not on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
