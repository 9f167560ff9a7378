package dev.flowstage.hooks.remote;

import dev.flowstage.hooks.outbound.OutboundConnector;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.jgit.internal.storage.dfs.DfsRepositoryDescription;
import org.eclipse.jgit.internal.storage.dfs.InMemoryRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.NullProgressMonitor;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.FetchConnection;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.Transport;
import org.eclipse.jgit.transport.TransportHttp;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;

/**
 * Git operations on an external repository with JGit's client transports, each connection made to an
 * address the outbound policy allowed: {@link #head} (one ref advertisement, no objects) and {@link #fetch}
 * (shallow, one branch). Failures come out as {@link RemoteFailure}s with actionable reasons.
 */
public final class RemoteGit {
    private final OutboundConnector connector;

    public RemoteGit(OutboundConnector connector) {
        this.connector = Objects.requireNonNull(connector);
    }

    /**
     * The commit {@code branch} points at on the remote, read from one ref advertisement.
     * @throws RemoteFailure BRANCH_NOT_FOUND when the remote has no such branch, or why it could not be read
     */
    public ObjectId head(RemoteEndpoint e, String branch) throws RemoteFailure {
        try (Repository probe = advertisementOnly();
                Opened o = open(e, probe); FetchConnection c = o.transport.openFetch()) {
            Ref ref = c.getRefsMap().get(Constants.R_HEADS + branch);
            if (ref == null || ref.getObjectId() == null) {
                throw new RemoteFailure(RemoteFailure.Reason.BRANCH_NOT_FOUND, "'" + branch + "' does not exist on "
                        + e.displayUrl());
            }
            return ref.getObjectId();
        } catch (RemoteFailure f) {
            throw f;
        } catch (Exception ex) {
            throw RemoteFailure.of(ex, e.displayUrl());
        }
    }

    /** Every ref the remote advertises (one ref advertisement). */
    public Map<String, Ref> refs(RemoteEndpoint e) throws RemoteFailure {
        try (Repository probe = advertisementOnly();
                Opened o = open(e, probe); FetchConnection c = o.transport.openFetch()) {
            return Map.copyOf(c.getRefsMap());
        } catch (RemoteFailure f) {
            throw f;
        } catch (Exception ex) {
            throw RemoteFailure.of(ex, e.displayUrl());
        }
    }

    /**
     * Fetches {@code branch} into {@code into} as {@code localRef} and returns its tip: with {@code depth} 0 its
     * whole history (only what {@code into} lacks travels), else that many commits; a shallow fetch marks
     * {@code into} shallow, so {@code into} should be a repository of its own (a mirror).
     */
    public ObjectId fetch(RemoteEndpoint e, Repository into, String branch, String localRef, int depth)
            throws RemoteFailure {
        try (Opened o = open(e, into)) {
            if (depth > 0) {
                o.transport.setDepth(depth);
            }
            o.transport.setTagOpt(TagOpt.NO_TAGS);
            FetchResult r = o.transport.fetch(NullProgressMonitor.INSTANCE,
                    List.of(new RefSpec("+" + Constants.R_HEADS + branch + ":" + localRef)));
            Ref got = r.getAdvertisedRef(Constants.R_HEADS + branch);
            if (got == null) {
                throw new RemoteFailure(RemoteFailure.Reason.BRANCH_NOT_FOUND, "'" + branch + "' does not exist on "
                        + e.displayUrl());
            }
            return got.getObjectId();
        } catch (RemoteFailure f) {
            throw f;
        } catch (Exception ex) {
            throw RemoteFailure.of(ex, e.displayUrl());
        }
    }

    /**
     * Pushes {@code specs} from {@code from}; the answer's {@code RemoteRefUpdate}s say per ref whether the
     * remote took it (a non-fast-forward is a status there, not a failure, so the caller can fetch and retry).
     * @throws RemoteFailure when the push could not be made at all (authentication, TLS, timeout, ...)
     */
    public PushResult push(RemoteEndpoint e, Repository from, List<RefSpec> specs) throws RemoteFailure {
        try (Opened o = open(e, from)) {
            return o.transport.push(NullProgressMonitor.INSTANCE, o.transport.findRemoteRefUpdatesFor(specs));
        } catch (RemoteFailure f) {
            throw f;
        } catch (Exception ex) {
            throw RemoteFailure.of(ex, e.displayUrl());
        }
    }

    /**
     * An empty in-memory repository whose only purpose is its configuration: protocol v0, whose ref
     * advertisement is the whole answer to one request (v2 needs a second request, ls-refs, over HTTP).
     */
    private static Repository advertisementOnly() {
        InMemoryRepository probe = new InMemoryRepository(new DfsRepositoryDescription("ls-remote"));
        probe.getConfig().setInt("protocol", null, "version", 0);
        return probe;
    }

    /** A transport set up for {@code e}; closing it closes its SSH client too. */
    Opened open(RemoteEndpoint e, Repository repo) throws IOException, GeneralSecurityException, RemoteFailure {
        URIish uri = e.url();
        SshdSessionFactory ssh = null;
        if (e.protocol() == RemoteProtocol.SSH) {
            // resolved and checked once; the session connects to that address (the host key is pinned, so
            // the name is not needed to verify it)
            InetAddress checked = connector.resolve(uri.getHost()).get(0);
            String literal = checked instanceof Inet6Address ? "[" + checked.getHostAddress() + "]" : checked.getHostAddress();
            uri = uri.setHost(literal);
            if (uri.getUser() == null) {
                uri = uri.setUser("git");
            }
            // an scp-like URL (USER@HOST:PATH) stays one: JGit's ssh transport takes it as it is, port 22, and
            // sends its path as given (relative to the login's home unless it starts with /)
            ssh = SshSessions.factory(e.ssh());
        }
        Transport t = repo == null ? Transport.open(uri) : Transport.open(repo, uri);
        t.setTimeout((int) Math.max(1, e.timeout().toSeconds()));
        t.setCredentialsProvider(NO_PROMPTS);
        if (t instanceof TransportHttp http) {
            http.setHttpConnectionFactory(new CheckedHttpConnectionFactory(RemoteTrust.context(e.ca()), connector));
            if (e.https() != null) {
                http.setPreemptiveBasicAuthentication(e.https().username(), e.https().password());
                t.setCredentialsProvider(new UsernamePasswordCredentialsProvider(e.https().username(), e.https().password()));
            }
        } else if (t instanceof SshTransport st && ssh != null) {
            st.setSshSessionFactory(ssh);
        } else {
            t.close();
            throw new RemoteFailure(RemoteFailure.Reason.CONFIGURATION, "unsupported URL " + e.displayUrl());
        }
        return new Opened(t, ssh);
    }

    /** Never asks anyone for anything: credentials are given up front or not at all. */
    private static final CredentialsProvider NO_PROMPTS = new CredentialsProvider() {
        @Override
        public boolean isInteractive() {
            return false;
        }

        @Override
        public boolean supports(org.eclipse.jgit.transport.CredentialItem... items) {
            return false;
        }

        @Override
        public boolean get(URIish uri, org.eclipse.jgit.transport.CredentialItem... items) {
            return false;
        }
    };

    record Opened(Transport transport, SshdSessionFactory ssh) implements AutoCloseable {
        @Override
        public void close() {
            transport.close();
            if (ssh != null) {
                ssh.close();
            }
        }
    }
}
