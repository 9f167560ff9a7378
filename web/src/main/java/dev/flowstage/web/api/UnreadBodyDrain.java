package dev.flowstage.web.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads what is left of a request body nobody read (a refusal before the body was parsed, a call that
 * ignores its body), up to {@link #LIMIT}, before the answer goes out. Jetty closes a connection whose
 * request body was left unread, and a client that already reuses that kept-alive connection for its
 * next request then gets no answer at all; a body read to its end keeps the connection usable.
 */
final class UnreadBodyDrain implements ContainerResponseFilter {
    static final int LIMIT = 64 * 1024;

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        try {
            if (!request.hasEntity()) {
                return;
            }
            InputStream in = request.getEntityStream();
            byte[] buffer = new byte[8192];
            long total = 0;
            int n;
            while (total < LIMIT && (n = in.read(buffer)) > 0) {
                total += n;
            }
        } catch (IOException | IllegalStateException consumedOrGone) {
            // already read by the resource, or the client went away: nothing left to keep
        }
    }
}
