package dev.flowstage.agent.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly one server certificate, named by its SHA-256 fingerprint: the server's self-signed
 * certificate does not chain to any CA, and its name need not match the address the device uses (a LAN
 * address, a tunnel), so the pin replaces both the chain and the host name checks. Being an
 * {@link X509ExtendedTrustManager}, JSSE does not add its own host name check around it.
 */
public final class PinnedCertificateTrustManager extends X509ExtendedTrustManager {
    private final String pinned;

    public PinnedCertificateTrustManager(String fingerprint) {
        this.pinned = CertificateFingerprint.normalize(fingerprint);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server sent no certificate");
        }
        String actual = CertificateFingerprint.of(chain[0]);
        if (!actual.equals(pinned)) {
            throw new CertificateException("the server's TLS certificate (SHA-256 " + actual
                    + ") is not the pinned one (SHA-256 " + pinned + "): if the server's certificate was"
                    + " replaced on purpose, run `flowstage-agent init` again");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the agent does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
