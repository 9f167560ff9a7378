package dev.flowstage.hooks.remote;

import dev.flowstage.hooks.outbound.OutboundRefusedException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.jgit.errors.NoRemoteRepositoryException;

/**
 * Why an operation on an external repository failed, in words a user can act on; {@link #getMessage()} is
 * the reason followed by a short detail that never contains a credential or the remote's response body.
 */
public final class RemoteFailure extends Exception {
    /** The reasons a status or a run log names. */
    public enum Reason {
        AUTHENTICATION_FAILED("authentication failed"),
        REPOSITORY_NOT_FOUND("repository not found"),
        BRANCH_NOT_FOUND("branch not found"),
        TLS_UNTRUSTED("TLS certificate not trusted"),
        HOST_KEY_MISMATCH("host key does not match the pinned known-hosts line"),
        NOT_A_SNAPSHOT("not a snapshot"),
        TIMEOUT("timeout"),
        REFUSED("address not allowed"),
        UNREACHABLE("remote unreachable"),
        CONFIGURATION("configuration problem"),
        FAILED("failed");

        private final String words;

        Reason(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    private final Reason reason;

    public RemoteFailure(Reason reason, String detail) {
        super(detail == null || detail.isBlank() ? reason.words() : reason.words() + ": " + detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The failure {@code e} (thrown by a JGit transport on {@code url}) amounts to. */
    public static RemoteFailure of(Throwable e, String url) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RemoteFailure f) {
                return f;
            }
            if (t instanceof OutboundRefusedException r) {
                return new RemoteFailure(Reason.REFUSED, r.getMessage());
            }
            if (t instanceof SSLHandshakeException || t instanceof CertificateException) {
                if (text(t).contains("pkix") || text(t).contains("certification path") || t instanceof CertificateException) {
                    return new RemoteFailure(Reason.TLS_UNTRUSTED, "the certificate of " + url + " is not signed by a"
                            + " trusted CA; add the server's CA certificate (caCert) to the integration or configuration");
                }
            }
            if (t instanceof SocketTimeoutException || (t instanceof InterruptedIOException && text(t).contains("timed out"))) {
                return new RemoteFailure(Reason.TIMEOUT, url + " did not answer in time");
            }
            if (t instanceof UnknownHostException) {
                return new RemoteFailure(Reason.UNREACHABLE, "host " + t.getMessage() + " not found");
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return new RemoteFailure(Reason.UNREACHABLE, "cannot connect to " + url);
            }
            if (t instanceof NoRemoteRepositoryException) {
                return new RemoteFailure(Reason.REPOSITORY_NOT_FOUND, url);
            }
        }
        // Classified from the words of the messages only: URLs and paths are taken out first, so a port such as
        // 40171 or a folder named 404 is never read as an HTTP status.
        String all = withoutAddresses(chainText(e));
        if (all.contains("server key did not validate") || all.contains("host key") || all.contains("serverkey")) {
            return new RemoteFailure(Reason.HOST_KEY_MISMATCH, url);
        }
        if (all.contains("not authorized") || all.contains("authentication is required") || STATUS_401_403.matcher(all).find()
                || all.contains("no more authentication methods") || all.contains("authentication failed")
                || all.contains("auth fail") || all.contains("permission denied")) {
            return new RemoteFailure(Reason.AUTHENTICATION_FAILED, "the credentials were refused by " + url);
        }
        if (all.contains("timeout") || all.contains("timed out")) {
            return new RemoteFailure(Reason.TIMEOUT, url + " did not answer in time");
        }
        if (all.contains("not found") || all.contains("does not appear to be a git repository")
                || all.contains("repository not found") || STATUS_404.matcher(all).find()) {
            return new RemoteFailure(Reason.REPOSITORY_NOT_FOUND, url);
        }
        if (all.contains("pkix") || all.contains("certification path") || all.contains("certificate")) {
            return new RemoteFailure(Reason.TLS_UNTRUSTED, "the certificate of " + url + " is not signed by a trusted"
                    + " CA; add the server's CA certificate (caCert) to the integration or configuration");
        }
        return new RemoteFailure(Reason.FAILED, firstLine(e.getMessage()));
    }

    private static final Pattern ADDRESS =
            Pattern.compile("\\S*://\\S*|(?<![\\w.])/\\S*|\\S+@[\\w.-]+:\\S*");
    private static final Pattern STATUS_401_403 = Pattern.compile("(?<![\\w.:-])40[13](?![\\w.:-])");
    private static final Pattern STATUS_404 = Pattern.compile("(?<![\\w.:-])404(?![\\w.:-])");

    /** {@code text} with every URL, scp-like address and absolute path replaced by a space. */
    static String withoutAddresses(String text) {
        return ADDRESS.matcher(text).replaceAll(" ");
    }

    private static String text(Throwable t) {
        return t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
    }

    private static String chainText(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(' ').append(text(t));
        }
        return b.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
