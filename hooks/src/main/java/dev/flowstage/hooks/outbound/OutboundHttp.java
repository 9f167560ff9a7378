package dev.flowstage.hooks.outbound;

import dev.flowstage.hooks.Lazy;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * HTTP/1.1 requests over connections made by the {@link OutboundConnector}, one connection per request.
 * java.net.http's client resolves the URI's host itself and cannot be pointed at an address checked in
 * advance without JVM-wide switches (the Host header is restricted; TLS would verify the IP literal), so
 * this client connects the socket itself and speaks plain HTTP/1.1 on it, with TLS for https: SNI and
 * hostname verification for the URI's host name, the socket on the checked address. Redirects are never
 * followed (a 3xx is returned like any answer); answers larger than a limit are refused.
 */
public final class OutboundHttp {
    /** Answers larger than this are refused unless the client is made with another limit. */
    public static final int DEFAULT_MAX_ANSWER_BYTES = 64 << 20;

    private final OutboundConnector connector;
    private final Duration connectTimeout;
    private final Supplier<SSLContext> tls;
    private final int maxAnswerBytes;

    public OutboundHttp(OutboundConnector connector, Duration connectTimeout, SSLContext tls, int maxAnswerBytes) {
        this(connector, connectTimeout, () -> tls, maxAnswerBytes);
        Objects.requireNonNull(tls);
    }

    /** With the JVM's default trust store, loaded on the first https call (off the start-up path), and answer limit. */
    public OutboundHttp(OutboundConnector connector, Duration connectTimeout) {
        this(connector, connectTimeout, new Lazy<>(OutboundHttp::defaultTls), DEFAULT_MAX_ANSWER_BYTES);
    }

    private OutboundHttp(OutboundConnector connector, Duration connectTimeout, Supplier<SSLContext> tls,
                         int maxAnswerBytes) {
        this.connector = Objects.requireNonNull(connector);
        this.connectTimeout = Objects.requireNonNull(connectTimeout);
        this.tls = tls;
        this.maxAnswerBytes = maxAnswerBytes;
    }

    public OutboundConnector connector() {
        return connector;
    }

    /**
     * Sends {@code request} and reads the whole answer.
     * @throws OutboundRefusedException when the host's address is not allowed
     * @throws HttpConnectTimeoutException when no connection was accepted in time
     * @throws HttpTimeoutException when the answer did not come within the request's timeout
     */
    public OutboundResponse send(OutboundRequest request) throws IOException {
        return exchange(request, true);
    }

    /** Sends {@code request} and reads only the status and headers (webhook receivers' bodies are of no use). */
    public OutboundResponse sendDiscardingBody(OutboundRequest request) throws IOException {
        return exchange(request, false);
    }

    private OutboundResponse exchange(OutboundRequest request, boolean readBody) throws IOException {
        URI uri = request.uri();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an absolute http(s) URL: " + uri.getScheme() + "://…");
        }
        boolean secure = scheme.equals("https");
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        int port = uri.getPort() > 0 ? uri.getPort() : secure ? 443 : 80;
        long deadline = System.nanoTime() + request.timeout().toNanos();
        Duration connectWithin = connectTimeout.compareTo(request.timeout()) < 0 ? connectTimeout : request.timeout();

        Socket socket;
        try {
            socket = connector.connect(host, port, connectWithin);
        } catch (SocketTimeoutException e) {
            throw new HttpConnectTimeoutException("no connection accepted within " + connectWithin.toMillis() + " ms");
        }
        // closed in finally, also when the TLS handshake fails before the TLS socket exists
        try (Socket plain = socket) {
            Socket s = secure ? tls(plain, host, port, deadline) : plain;
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            out.write(head(request, uri, host, port, secure).getBytes(StandardCharsets.ISO_8859_1));
            if (request.body() != null) {
                out.write(request.body());
            }
            out.flush();
            OutboundResponse answer = new Http1AnswerReader(new DeadlineInputStream(s, deadline), maxAnswerBytes)
                    .read(readBody);
            s.close();
            return answer;
        } catch (SocketTimeoutException e) {
            throw new HttpTimeoutException("no answer within " + request.timeout().toMillis() + " ms");
        }
    }

    private Socket tls(Socket plain, String host, int port, long deadline) throws IOException {
        SSLSocket s = (SSLSocket) tls.get().getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // verify the certificate names the host, not the address
        if (IpLiteral.parse(host).isEmpty()) {
            p.setServerNames(List.of(new SNIHostName(host)));
        }
        s.setSSLParameters(p);
        s.setSoTimeout(DeadlineInputStream.remainingMillis(deadline));
        s.startHandshake();
        return s;
    }

    private static String head(OutboundRequest r, URI uri, String host, int port, boolean secure) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            path += "?" + uri.getRawQuery();
        }
        String hostHeader = (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                + (port == (secure ? 443 : 80) ? "" : ":" + port);
        StringBuilder h = new StringBuilder(r.method()).append(' ').append(path).append(" HTTP/1.1\r\n");
        h.append("Host: ").append(hostHeader).append("\r\n");
        h.append("Connection: close\r\n");
        if (r.body() != null) {
            h.append("Content-Length: ").append(r.body().length).append("\r\n");
        }
        r.headers().forEach((name, value) -> h.append(name).append(": ").append(value).append("\r\n"));
        return h.append("\r\n").toString();
    }

    private static SSLContext defaultTls() {
        try {
            return SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }
}
