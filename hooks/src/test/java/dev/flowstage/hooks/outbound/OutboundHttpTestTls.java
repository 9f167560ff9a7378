package dev.flowstage.hooks.outbound;

import javax.net.ssl.SSLContext;

/** The JVM's default TLS context, for tests that build an {@link OutboundHttp} with other limits. */
final class OutboundHttpTestTls {
    private OutboundHttpTestTls() {
    }

    static SSLContext defaultContext() {
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
