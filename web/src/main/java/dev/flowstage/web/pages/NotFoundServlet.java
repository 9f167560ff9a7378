package dev.flowstage.web.pages;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The servlet for every path no other servlet serves: a short plain-text 404 instead of Jetty's page
 * ({@code /} itself is the web UI).
 */
public final class NotFoundServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setStatus(404);
        resp.setContentType("text/plain; charset=UTF-8");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        resp.getWriter().write("flowstage: no such page; see " + WelcomeServlet.PATH + " for what this server serves\n");
    }
}
