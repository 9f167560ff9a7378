package dev.flowstage.hooks.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import org.eclipse.jgit.transport.http.HttpConnection;

/**
 * JGit's view of one HTTPS request on the JDK's {@link HttpsURLConnection}, whose sockets come from a
 * {@link CheckedSocketFactory} fixed when it was made: JGit cannot swap the trust or the socket factory
 * afterwards ({@link #configure} and {@link #setHostnameVerifier} are refused).
 */
final class CheckedHttpsConnection implements HttpConnection {
    private final HttpsURLConnection conn;

    CheckedHttpsConnection(HttpsURLConnection conn) {
        this.conn = conn;
    }

    @Override
    public int getResponseCode() throws IOException {
        return conn.getResponseCode();
    }

    @Override
    public URL getURL() {
        return conn.getURL();
    }

    @Override
    public String getResponseMessage() throws IOException {
        return conn.getResponseMessage();
    }

    @Override
    public Map<String, List<String>> getHeaderFields() {
        return conn.getHeaderFields();
    }

    @Override
    public void setRequestProperty(String key, String value) {
        conn.setRequestProperty(key, value);
    }

    @Override
    public void setRequestMethod(String method) throws ProtocolException {
        conn.setRequestMethod(method);
    }

    @Override
    public void setUseCaches(boolean usecaches) {
        conn.setUseCaches(usecaches);
    }

    @Override
    public void setConnectTimeout(int timeout) {
        conn.setConnectTimeout(timeout);
    }

    @Override
    public void setReadTimeout(int timeout) {
        conn.setReadTimeout(timeout);
    }

    @Override
    public String getContentType() {
        return conn.getContentType();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return conn.getInputStream();
    }

    @Override
    public String getHeaderField(String name) {
        return conn.getHeaderField(name);
    }

    @Override
    public List<String> getHeaderFields(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : conn.getHeaderFields().entrySet()) {
            if (e.getKey() != null && e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                values.addAll(e.getValue());
            }
        }
        return values;
    }

    @Override
    public int getContentLength() {
        return conn.getContentLength();
    }

    @Override
    public void setInstanceFollowRedirects(boolean followRedirects) {
        conn.setInstanceFollowRedirects(followRedirects);
    }

    @Override
    public void setDoOutput(boolean dooutput) {
        conn.setDoOutput(dooutput);
    }

    @Override
    public void setFixedLengthStreamingMode(int contentLength) {
        conn.setFixedLengthStreamingMode(contentLength);
    }

    @Override
    public OutputStream getOutputStream() throws IOException {
        return conn.getOutputStream();
    }

    @Override
    public void setChunkedStreamingMode(int chunklen) {
        conn.setChunkedStreamingMode(chunklen);
    }

    @Override
    public String getRequestMethod() {
        return conn.getRequestMethod();
    }

    @Override
    public boolean usingProxy() {
        return false;
    }

    @Override
    public void connect() throws IOException {
        conn.connect();
    }

    @Override
    public void configure(KeyManager[] km, TrustManager[] tm, java.security.SecureRandom random) {
        throw new UnsupportedOperationException("the trust of an outbound Git connection is fixed when it is made");
    }

    @Override
    public void setHostnameVerifier(HostnameVerifier hostnameVerifier) {
        throw new UnsupportedOperationException("host names of outbound Git connections are always verified");
    }
}
