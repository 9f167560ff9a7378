package dev.flowstage.hooks.outbound;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.RedirectProtocolHandler;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.http.HttpCookieStore;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The server's one HTTP client for outbound calls: Jetty's {@link HttpClient}, whose host lookups go through
 * the {@link OutboundConnector} (see {@link CheckedAddressResolver}), so it connects only to checked
 * addresses, while the Host header, SNI and the certificate check use the URL's host name. Redirects are
 * never followed (a 3xx is an answer like any other), answers larger than a limit fail, and each request
 * has one total timeout. Started on the first call, stopped by {@link #close()}.
 */
public final class OutboundHttp implements AutoCloseable {
    /** Answers larger than this are refused unless the client is made with another limit. */
    public static final int DEFAULT_MAX_ANSWER_BYTES = 64 << 20;
    private static final int MAX_THREADS = 16;
    private static final Duration DESTINATION_IDLE = Duration.ofMinutes(5);
    /** RFC 9110's reason phrases where Jetty's table says otherwise (its 500 is "Server Error"). */
    private static final Map<Integer, String> RFC_9110_REASONS = Map.of(
            413, "Content Too Large", 422, "Unprocessable Content", 500, "Internal Server Error");

    private final OutboundConnector connector;
    private final Duration connectTimeout;
    private final SSLContext tls;
    private final int maxAnswerBytes;
    private HttpClient client;
    private boolean closed;

    /**
     * @param tls the TLS context whose trust decides which certificates are accepted, or null for the JVM's
     *            default trust store
     */
    public OutboundHttp(OutboundConnector connector, Duration connectTimeout, SSLContext tls, int maxAnswerBytes) {
        this.connector = Objects.requireNonNull(connector);
        this.connectTimeout = Objects.requireNonNull(connectTimeout);
        this.tls = tls;
        this.maxAnswerBytes = maxAnswerBytes;
    }

    /** With the JVM's default trust store and answer limit. */
    public OutboundHttp(OutboundConnector connector, Duration connectTimeout) {
        this(connector, connectTimeout, null, DEFAULT_MAX_ANSWER_BYTES);
    }

    public OutboundConnector connector() {
        return connector;
    }

    /** How long a remote has to accept a connection. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /**
     * A request to {@code uri} (absolute http or https) that must be answered, whole, within {@code timeout};
     * set its method, headers and body, then pass it to {@link #send} or {@link #sendDiscardingBody}.
     * @throws IllegalStateException when this client is closed
     */
    public Request newRequest(URI uri, Duration timeout) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("not an absolute http(s) URL: " + uri.getScheme() + "://…");
        }
        return client().newRequest(uri).followRedirects(false).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Sends {@code request} and reads the whole answer. Its body and reason phrase are the remote's text: use
     * the body as data, and {@link #describe} rather than the reason in messages.
     * @throws OutboundRefusedException when the host's address is not allowed
     * @throws HttpConnectTimeoutException when no connection was accepted in time
     * @throws HttpTimeoutException when the answer did not come within the request's timeout
     */
    public ContentResponse send(Request request) throws IOException {
        try {
            return exchange(request, true).get();
        } catch (ExecutionException e) {
            throw (IOException) e.getCause(); // exchange fails only with IOExceptions
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.abort(e);
            throw new InterruptedIOException("interrupted while waiting for the answer");
        }
    }

    /**
     * Sends {@code request} without waiting: completes with the answer's status, its body read and dropped
     * (webhook receivers' bodies are of no use), or fails with the same exceptions as {@link #send}.
     */
    public CompletableFuture<Integer> sendDiscardingBody(Request request) {
        return exchange(request, false).thenApply(ContentResponse::getStatus);
    }

    /** The status and its standard reason, {@code 500 Internal Server Error}; never the remote's own words. */
    public static String describe(int status) {
        String reason = RFC_9110_REASONS.getOrDefault(status, HttpStatus.getCode(status) == null ? null
                : HttpStatus.getMessage(status));
        return reason == null ? String.valueOf(status) : status + " " + reason;
    }

    private CompletableFuture<ContentResponse> exchange(Request request, boolean keepBody) {
        CompletableFuture<ContentResponse> answer = new CompletableFuture<>();
        new CappedResponseListener(request, maxAnswerBytes, keepBody).send().whenComplete((r, failure) -> {
            if (failure == null) {
                answer.complete(r);
            } else {
                answer.completeExceptionally(ourWords(failure, request));
            }
        });
        return answer;
    }

    /**
     * The failure as callers know it: timeouts as java.net.http's exceptions, refusals, lookups, refused
     * connections, TLS failures and the size limit as they are; anything else by its kind only, since
     * protocol errors may quote what the remote sent.
     */
    private IOException ourWords(Throwable failure, Request request) {
        Throwable x = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (x instanceof TimeoutException) {
            return new HttpTimeoutException("no answer within " + request.getTimeout() + " ms");
        }
        if (x instanceof SocketTimeoutException) {
            return new HttpConnectTimeoutException("no connection accepted within " + connectTimeout.toMillis() + " ms");
        }
        if (x instanceof OutboundRefusedException || x instanceof UnknownHostException || x instanceof ConnectException
                || x instanceof SSLException || x instanceof CappedResponseListener.TooLargeException) {
            return (IOException) x;
        }
        return new IOException("the request failed (" + x.getClass().getSimpleName() + ")", x);
    }

    private synchronized HttpClient client() {
        if (closed) {
            throw new IllegalStateException("outbound calls are stopped");
        }
        if (client == null) {
            client = start();
        }
        return client;
    }

    private HttpClient start() {
        SslContextFactory.Client tlsFactory = new SslContextFactory.Client();
        // the certificate must name the URL's host, whatever address the connection went to
        tlsFactory.setEndpointIdentificationAlgorithm("HTTPS");
        if (tls != null) {
            tlsFactory.setSslContext(tls);
        }
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 1);
        threads.setName("flowstage-outbound");
        threads.setDaemon(true);
        HttpClient c = new HttpClient();
        c.setExecutor(threads);
        c.setScheduler(new ScheduledExecutorScheduler("flowstage-outbound-timeouts", true));
        c.setSocketAddressResolver(new CheckedAddressResolver(connector, threads));
        c.setSslContextFactory(tlsFactory);
        c.setConnectTimeout(connectTimeout.toMillis());
        c.setFollowRedirects(false);
        // a destination (scheme, host, port) is kept per webhook URL and Node-RED: drop those unused a while
        c.setDestinationIdleTimeout(DESTINATION_IDLE.toMillis());
        // one client serves every team: no cookies carried from one call to the next, no Jetty banner
        c.setHttpCookieStore(new HttpCookieStore.Empty());
        c.setUserAgentField(null);
        try {
            c.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the outbound HTTP client", e);
        }
        // a 401 or a 3xx is an answer for the caller, not something to act on; and no compressed answers,
        // so the size limit counts what the remote sent
        c.getProtocolHandlers().remove(RedirectProtocolHandler.NAME);
        c.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        c.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
        c.getContentDecoderFactories().clear();
        return c;
    }

    /** Stops the client; calls under way fail. */
    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            LifeCycle.stop(client);
        }
    }
}
