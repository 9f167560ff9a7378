package dev.flowstage.hooks.remote;

import dev.flowstage.hooks.outbound.OutboundConnector;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import javax.net.ssl.SSLSocketFactory;

/**
 * The TLS sockets of outbound HTTPS Git: the JDK's HTTPS client first asks {@link #createSocket()} for an
 * unconnected socket and connects it to the URL's host; that socket resolves the host through the
 * {@link OutboundConnector} (every address checked by the policy) and connects to the checked address, so a
 * DNS answer cannot change between the check and the connect. TLS is then layered over it by
 * {@code delegate}, under the URL's host name (SNI and certificate check).
 */
final class CheckedSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final OutboundConnector connector;

    CheckedSocketFactory(SSLSocketFactory delegate, OutboundConnector connector) {
        this.delegate = delegate;
        this.connector = connector;
    }

    @Override
    public Socket createSocket() {
        return new CheckedSocket(connector);
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        if (!(s instanceof CheckedSocket)) {
            throw new IOException("refusing a connection that was not made through the outbound policy");
        }
        return delegate.createSocket(s, host, port, autoClose);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket plain = new CheckedSocket(connector);
        plain.connect(InetSocketAddress.createUnresolved(host, port));
        return delegate.createSocket(plain, host, port, true);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return createSocket(host.getHostAddress(), port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return createSocket(address.getHostAddress(), port);
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    /** A plain socket that connects only to an address the outbound policy allowed for the host asked for. */
    static final class CheckedSocket extends Socket {
        private final OutboundConnector connector;

        CheckedSocket(OutboundConnector connector) {
            this.connector = connector;
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) throws IOException {
            if (!(endpoint instanceof InetSocketAddress isa)) {
                throw new IOException("unsupported address " + endpoint);
            }
            // the host as the URL named it; whatever the caller may have resolved it to is not used
            InetAddress checked = connector.resolve(isa.getHostString()).get(0);
            super.connect(new InetSocketAddress(checked, isa.getPort()), timeout);
        }
    }
}
