package dev.flowstage.agent.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;
import org.eclipse.jgit.transport.resolver.RepositoryResolver;
import org.eclipse.jgit.errors.RepositoryNotFoundException;

/**
 * A stand-in for the Flowstage server as the agent sees it, over HTTPS with a self-signed certificate: one
 * device's bare repository over smart HTTP (JGit's {@link GitServlet}, Basic DEVICE:TOKEN, pushes only to
 * refs/heads/device) and the device endpoints of the contract ({@code /api/v1/devices/self}, its watch and
 * status, {@code /api/v1/signing-key}). The test moves {@code main} with {@link #setMain} and reads the
 * status reports the agent sent.
 */
public final class FakeFlowstageServer implements AutoCloseable {
    public static final String TEAM = "team";
    public static final String DEVICE = "pi-1";
    public static final String CREDENTIAL_SECRET = "device-credential-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final char[] PASSWORD = "changeit".toCharArray();

    private final Repository repo;
    private final TestCertificate certificate = TestCertificate.generate();
    private final String signingKey;
    private final List<JsonNode> reports = new CopyOnWriteArrayList<>();
    private final AtomicInteger watches = new AtomicInteger();
    private final Object mainMoved = new Object();
    private volatile String token = "device-token-1";
    private volatile boolean unavailable;
    private final AtomicInteger refused = new AtomicInteger();
    private Server server;
    private int port;

    public FakeFlowstageServer(Path dir, String armoredSigningKey) throws Exception {
        this.repo = new FileRepository(dir.resolve("pi-1.git").toFile());
        repo.create(true);
        this.signingKey = armoredSigningKey;
        start();
    }

    /** Starts serving (again), on the port of the first start. */
    public synchronized void start() throws Exception {
        server = new Server();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStore(certificate.keyStore(PASSWORD));
        ssl.setKeyStorePassword(new String(PASSWORD));
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer(false));
        ServerConnector connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"),
                new HttpConnectionFactory(https));
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(availability()), "/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(gitServlet()), "/git/*");
        context.addFilter(new FilterHolder(basicAuth()), "/git/*", EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Api()), "/api/v1/*");
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    /** Stops serving: connections are refused until {@link #start()}. */
    public synchronized void stop() throws Exception {
        server.stop();
        synchronized (mainMoved) {
            mainMoved.notifyAll();
        }
    }

    public String url() {
        return "https://127.0.0.1:" + port;
    }

    public String token() {
        return token;
    }

    /** While set, every request is answered 503 (a server that is up but cannot serve); counted by {@link #refused()}. */
    public void setUnavailable(boolean unavailable) {
        this.unavailable = unavailable;
    }

    public int refused() {
        return refused.get();
    }

    public void revokeToken() {
        token = "revoked-" + System.nanoTime();
    }

    public TestCertificate certificate() {
        return certificate;
    }

    public Repository repository() {
        return repo;
    }

    /** The status reports received, oldest first. */
    public List<JsonNode> reports() {
        return List.copyOf(reports);
    }

    /** How many watch requests were received. */
    public int watches() {
        return watches.get();
    }

    /** Points the device's main at {@code commit} (as a deploy would) and wakes the watchers. */
    public void setMain(ObjectId commit) throws IOException {
        RefUpdate u = repo.updateRef("refs/heads/main");
        u.setNewObjectId(commit);
        u.setForceUpdate(true);
        RefUpdate.Result r = u.update();
        if (r != RefUpdate.Result.NEW && r != RefUpdate.Result.FORCED && r != RefUpdate.Result.FAST_FORWARD) {
            throw new IOException("moving main: " + r);
        }
        synchronized (mainMoved) {
            mainMoved.notifyAll();
        }
    }

    private String main() throws IOException {
        Ref r = repo.exactRef("refs/heads/main");
        return r == null ? null : r.getObjectId().name();
    }

    private GitServlet gitServlet() {
        GitServlet git = new GitServlet();
        RepositoryResolver<HttpServletRequest> resolver = (req, name) -> {
            if (!name.equals(TEAM + "/" + DEVICE + ".git")) {
                throw new RepositoryNotFoundException(name);
            }
            repo.incrementOpen();
            return repo;
        };
        git.setRepositoryResolver(resolver);
        git.setReceivePackFactory((req, db) -> {
            ReceivePack rp = new ReceivePack(db);
            rp.setPreReceiveHook((pack, commands) -> {
                for (ReceiveCommand c : commands) {
                    if (!c.getRefName().equals("refs/heads/device")) {
                        c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "a device pushes only to refs/heads/device");
                    }
                }
            });
            return rp;
        });
        return git;
    }

    private Filter basicAuth() {
        return (request, response, chain) -> {
            HttpServletRequest req = (HttpServletRequest) request;
            String expected = "Basic " + Base64.getEncoder().encodeToString((DEVICE + ":" + token).getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(req.getHeader("Authorization"))) {
                HttpServletResponse res = (HttpServletResponse) response;
                res.setHeader("WWW-Authenticate", "Basic realm=\"flowstage\"");
                res.sendError(401);
                return;
            }
            chain.doFilter(request, response);
        };
    }

    private Filter availability() {
        return (request, response, chain) -> {
            if (unavailable) {
                refused.incrementAndGet();
                ((HttpServletResponse) response).sendError(503);
                return;
            }
            chain.doFilter(request, response);
        };
    }

    /** The device endpoints of the contract. */
    private final class Api extends HttpServlet {
        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            String path = req.getPathInfo();
            if (path.equals("/signing-key") && req.getMethod().equals("GET")) {
                // as the real server: JSON to a client whose first Accept type is JSON, else the armored key
                String accept = req.getHeader("Accept") == null ? "" : req.getHeader("Accept");
                if (accept.startsWith("application/json")) {
                    res.setContentType("application/json");
                    JSON.writeValue(res.getWriter(), JSON.createObjectNode().put("algorithm", "ed25519")
                            .put("publicKey", signingKey));
                    return;
                }
                res.setContentType("application/pgp-keys");
                res.getWriter().write(signingKey);
                return;
            }
            if (!("Bearer " + token).equals(req.getHeader("Authorization"))) {
                error(res, 401, "unauthorized", "the token is not valid");
                return;
            }
            switch (req.getMethod() + " " + path) {
                case "GET /devices/self" -> {
                    ObjectNode self = JSON.createObjectNode().put("team", TEAM).put("name", DEVICE)
                            .put("application", "app").put("gitUrl", url() + "/git/" + TEAM + "/" + DEVICE + ".git")
                            .put("sshUrl", "ssh://git@127.0.0.1:2222/" + TEAM + "/" + DEVICE + ".git")
                            .put("credentialSecret", CREDENTIAL_SECRET);
                    self.putNull("instance");
                    self.putNull("group");
                    json(res, 200, self);
                }
                case "GET /devices/self/watch" -> watch(req, res);
                case "POST /devices/self/status" -> {
                    reports.add(JSON.readTree(req.getInputStream()));
                    json(res, 200, JSON.createObjectNode());
                }
                default -> error(res, 404, "not_found", "no such endpoint");
            }
        }

        private void watch(HttpServletRequest req, HttpServletResponse res) throws IOException {
            watches.incrementAndGet();
            String after = req.getParameter("after");
            long timeoutMs = Long.parseLong(req.getParameter("timeout")) * 1000;
            long deadline = System.currentTimeMillis() + timeoutMs;
            synchronized (mainMoved) {
                while (true) {
                    String main = main();
                    if (main != null && !main.equals(after)) {
                        json(res, 200, JSON.createObjectNode().put("commit", main));
                        return;
                    }
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0 || !server.isRunning()) {
                        res.setStatus(204);
                        return;
                    }
                    try {
                        mainMoved.wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        res.setStatus(204);
                        return;
                    }
                }
            }
        }

        private void json(HttpServletResponse res, int status, JsonNode body) throws IOException {
            res.setStatus(status);
            res.setContentType("application/json");
            res.getOutputStream().write(JSON.writeValueAsBytes(body));
        }

        private void error(HttpServletResponse res, int status, String code, String message) throws IOException {
            ObjectNode e = JSON.createObjectNode();
            e.putObject("error").put("code", code).put("message", message);
            json(res, status, e);
        }
    }

    @Override
    public void close() throws Exception {
        stop();
        repo.close();
    }
}
