package dev.flowstage.hooks.remote.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * C git's {@code git http-backend} behind lighttpd on a loopback port, over HTTPS with a certificate signed
 * by a CA made here (so only a connection given that CA trusts it), Basic auth for user "rita".
 */
public final class LighttpdGitRemote extends GitRemote {
    public static final String USER = "rita";
    public static final String PASSWORD = "s3cret-pass";

    public final int port;
    public final String caPem;
    private final Process process;

    public LighttpdGitRemote(Path dir) throws Exception {
        super(dir);
        port = Cli.freePort();
        Cli.run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test CA",
                "-keyout", "ca.key", "-out", "ca.pem", "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Cli.run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout",
                "server.key", "-out", "server.csr");
        Files.writeString(dir.resolve("ext.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                + "extendedKeyUsage=serverAuth\n");
        Cli.run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "ext.cnf", "-out", "server.crt");
        Files.writeString(dir.resolve("server.pem"), Files.readString(dir.resolve("server.crt"))
                + Files.readString(dir.resolve("server.key")));
        caPem = Files.readString(dir.resolve("ca.pem"));
        Files.writeString(dir.resolve("users"), USER + ":" + PASSWORD + "\n");
        Files.createDirectories(dir.resolve("www"));
        // each request noted before git answers it, so a test can count them when the client is done
        Path cgi = dir.resolve("git-cgi.sh");
        Files.writeString(cgi, "#!/bin/sh\necho \"$REQUEST_METHOD $PATH_INFO?$QUERY_STRING\" >> '"
                + dir.resolve("requests.log") + "'\nexec /usr/lib/git-core/git-http-backend\n");
        cgi.toFile().setExecutable(true);
        String conf = String.join("\n",
                "server.document-root = \"" + dir.resolve("www") + "\"",
                "server.port = " + port,
                "server.bind = \"127.0.0.1\"",
                "server.errorlog = \"" + dir.resolve("error.log") + "\"",
                "server.modules = (\"mod_access\", \"mod_alias\", \"mod_setenv\", \"mod_auth\", \"mod_authn_file\","
                        + " \"mod_cgi\", \"mod_openssl\", \"mod_accesslog\")",
                "accesslog.filename = \"" + dir.resolve("access.log") + "\"",
                "ssl.engine = \"enable\"",
                "ssl.pemfile = \"" + dir.resolve("server.pem") + "\"",
                "alias.url = ( \"/git\" => \"" + cgi + "\" )",
                "$HTTP[\"url\"] =~ \"^/git\" {",
                "  cgi.assign = ( \"\" => \"\" )",
                "  setenv.set-environment = ( \"GIT_PROJECT_ROOT\" => \"" + repos + "\", \"GIT_HTTP_EXPORT_ALL\" => \"1\" )",
                "  auth.backend = \"plain\"",
                "  auth.backend.plain.userfile = \"" + dir.resolve("users") + "\"",
                "  auth.require = ( \"\" => ( \"method\" => \"basic\", \"realm\" => \"git\", \"require\" => \"valid-user\" ) )",
                "}", "");
        Files.writeString(dir.resolve("lighttpd.conf"), conf);
        process = new ProcessBuilder("/usr/sbin/lighttpd", "-D", "-f", dir.resolve("lighttpd.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("lighttpd.out").toFile()).start();
        awaitListening(port, process, dir.resolve("lighttpd.out"));
    }

    public static void awaitListening(int port, Process process, Path log) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("server exited: " + Files.readString(log));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                process.waitFor(50, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
        throw new IOException("server did not listen on " + port);
    }

    @Override
    public String url(String name) {
        return "https://127.0.0.1:" + port + "/git/" + name + ".git";
    }

    @Override
    public String protocol() {
        return "https";
    }

    @Override
    public Map<String, String> secrets() {
        return Map.of("remote/user", USER, "remote/password", PASSWORD);
    }

    @Override
    public Map<String, String> wrongSecrets() {
        return Map.of("remote/user", USER, "remote/password", "not-the-password");
    }

    @Override
    public String authJson() {
        return "\"auth\": {\"username\": \"secret:remote/user\", \"password\": \"secret:remote/password\"},"
                + " \"caCert\": " + com.fasterxml.jackson.databind.node.TextNode.valueOf(caPem);
    }

    /** The Git requests served so far ("METHOD PATH?QUERY"), each written before it was answered. */
    public List<String> requests() throws IOException {
        Path log = dir.resolve("requests.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor();
    }
}
