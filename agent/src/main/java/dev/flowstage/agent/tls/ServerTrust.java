package dev.flowstage.agent.tls;

import dev.flowstage.agent.AgentException;
import dev.flowstage.agent.config.AgentConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * How this agent trusts its server over TLS, built once from the config and used only for connections to
 * the server (the REST calls and JGit's HTTPS fetches), never installed as a JVM-wide default: a pinned
 * certificate fingerprint, or the certificates of a CA file (with the usual host name check), or, when
 * neither is configured, the JDK's default trust store.
 */
public final class ServerTrust {
    private final TrustManager[] trustManagers;
    private final SSLContext sslContext;
    private final boolean pinned;

    private ServerTrust(TrustManager[] trustManagers, boolean pinned) {
        this.trustManagers = trustManagers;
        this.pinned = pinned;
        try {
            this.sslContext = SSLContext.getInstance("TLS");
            sslContext.init(null, trustManagers, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("setting up TLS", e);
        }
    }

    public static ServerTrust from(AgentConfig.Tls tls) {
        if (tls != null && tls.pinnedSha256() != null) {
            return pinned(tls.pinnedSha256());
        }
        if (tls != null && tls.caFile() != null) {
            return caFile(Path.of(tls.caFile()));
        }
        return systemDefault();
    }

    public static ServerTrust pinned(String fingerprint) {
        return new ServerTrust(new TrustManager[] {new PinnedCertificateTrustManager(fingerprint)}, true);
    }

    /** Trusts the certificates in a PEM file (one or more), and nothing else. */
    public static ServerTrust caFile(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) {
                throw new AgentException("the CA file " + pem + " holds no certificate (expected PEM)");
            }
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int i = 0;
            for (Certificate c : certs) {
                store.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return new ServerTrust(tmf.getTrustManagers(), false);
        } catch (NoSuchFileException e) {
            throw new AgentException("the CA file " + pem + " does not exist");
        } catch (IOException | GeneralSecurityException e) {
            throw new AgentException("the CA file " + pem + " cannot be read as PEM certificates: " + e.getMessage());
        }
    }

    public static ServerTrust systemDefault() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            return new ServerTrust(tmf.getTrustManagers(), false);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("loading the default trust store", e);
        }
    }

    public SSLContext sslContext() {
        return sslContext;
    }

    public TrustManager[] trustManagers() {
        return trustManagers.clone();
    }

    /** For {@link HttpsURLConnection}: a pinned certificate stands for the host name too. */
    public HostnameVerifier hostnameVerifier() {
        return pinned ? (host, session) -> true : HttpsURLConnection.getDefaultHostnameVerifier();
    }

    public boolean isPinned() {
        return pinned;
    }
}
