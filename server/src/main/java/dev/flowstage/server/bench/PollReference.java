package dev.flowstage.server.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The benchmark's yardstick for the Git poll (bench/lib/pollpath.py): a bare Jetty 12 handler, from
 * the same jar and Jetty as the server, that reads the request body and answers every request with
 * the same status line, headers and body the server sends to a device's {@code ls-refs} poll, as
 * constants. Loopback only; not part of the product.
 *
 * <p>{@code java -cp flowstage.jar dev.flowstage.server.bench.PollReference PORT BODY_FILE [Name: value]...}
 */
public final class PollReference {
    private PollReference() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: PollReference PORT BODY_FILE [Header: value]...");
            System.exit(2);
        }
        byte[] body = Files.readAllBytes(Path.of(args[1]));
        List<HttpField> headers = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            int colon = args[i].indexOf(':');
            headers.add(new HttpField(args[i].substring(0, colon).trim(), args[i].substring(colon + 1).trim()));
        }
        // the server's own connector settings (JettyLauncher): a bounded pool, no Server header
        QueuedThreadPool pool = new QueuedThreadPool(200, 8, 60_000);
        pool.setName("poll-reference");
        Server server = new Server(pool);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        connector.setIdleTimeout(60_000);
        server.addConnector(connector);
        server.setHandler(new Constant(body, headers));
        server.start();
        System.out.println("poll reference on 127.0.0.1:" + connector.getLocalPort() + ", " + body.length + " bytes");
        server.join();
    }

    /** Reads the request's body to its end, then writes the constant answer. */
    private static final class Constant extends Handler.Abstract {
        private final byte[] body;
        private final List<HttpField> headers;

        Constant(byte[] body, List<HttpField> headers) {
            this.body = body;
            this.headers = headers;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            Content.Source.consumeAll(request);
            response.setStatus(200);
            for (HttpField f : headers) {
                response.getHeaders().add(f);
            }
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
        }
    }
}
