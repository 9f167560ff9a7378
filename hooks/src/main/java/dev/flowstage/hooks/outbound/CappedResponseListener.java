package dev.flowstage.hooks.outbound;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Jetty's buffering listener with our limit and message: an answer announced or found larger than the limit
 * fails the request; when the body is not wanted it is counted and dropped, never buffered.
 */
final class CappedResponseListener extends CompletableResponseListener {
    /** The answer was larger than the client takes. */
    static final class TooLargeException extends IOException {
        TooLargeException(int max) {
            super("the answer is larger than " + max + " bytes");
        }
    }

    private final int maxBytes;
    private final boolean keepBody;
    private long seen;

    CappedResponseListener(Request request, int maxBytes, boolean keepBody) {
        super(request, maxBytes);
        this.maxBytes = maxBytes;
        this.keepBody = keepBody;
    }

    @Override
    public void onHeaders(Response response) {
        long announced;
        try {
            announced = response.getHeaders().getLongField(HttpHeader.CONTENT_LENGTH);
        } catch (NumberFormatException e) {
            announced = -1; // Jetty's parser reads the body as it comes
        }
        if (announced > maxBytes) {
            response.abort(new TooLargeException(maxBytes));
            return;
        }
        super.onHeaders(response);
    }

    @Override
    public void onContent(Response response, ByteBuffer content) {
        seen += content.remaining();
        if (seen > maxBytes) {
            response.abort(new TooLargeException(maxBytes));
        } else if (keepBody) {
            super.onContent(response, content);
        }
    }
}
