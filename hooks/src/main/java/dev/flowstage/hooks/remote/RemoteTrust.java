package dev.flowstage.hooks.remote;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context of one outbound connection: the JVM's CAs, plus the connection's own CA when it has one.
 * Contexts are kept per CA (building one reads the JVM's CA store, which costs more than an idle sync should),
 * so TLS sessions are resumed across syncs of the same remote too.
 */
final class RemoteTrust {
    private static final Cache<String, SSLContext> CONTEXTS = Caffeine.newBuilder().maximumSize(256).build();

    private RemoteTrust() {}

    static SSLContext context(CaCertificate ca) throws GeneralSecurityException {
        String key = ca == null ? "" : ca.pem();
        SSLContext cached = CONTEXTS.getIfPresent(key);
        if (cached == null) {
            cached = build(ca);
            CONTEXTS.put(key, cached);
        }
        return cached;
    }

    private static SSLContext build(CaCertificate ca) throws GeneralSecurityException {
        X509TrustManager system = trustManager(null);
        TrustManager tm = system;
        if (ca != null) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            try {
                ks.load(null, null);
            } catch (java.io.IOException e) {
                throw new GeneralSecurityException(e);
            }
            int i = 0;
            for (X509Certificate c : ca.certificates()) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
            tm = new Either(trustManager(ks), system);
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {tm}, null);
        return ctx;
    }

    private static X509TrustManager trustManager(KeyStore ks) throws GeneralSecurityException {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(ks);
        for (TrustManager t : f.getTrustManagers()) {
            if (t instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X509 trust manager");
    }

    /** Trusts a server chain that either the connection's CA or the JVM's CAs vouch for. */
    private record Either(X509TrustManager own, X509TrustManager system) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                own.checkServerTrusted(chain, authType);
            } catch (CertificateException notOurs) {
                system.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            List<X509Certificate> all = new ArrayList<>(List.of(own.getAcceptedIssuers()));
            all.addAll(List.of(system.getAcceptedIssuers()));
            return all.toArray(new X509Certificate[0]);
        }
    }
}
