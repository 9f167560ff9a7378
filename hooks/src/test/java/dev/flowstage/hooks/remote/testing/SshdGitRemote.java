package dev.flowstage.hooks.remote.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * OpenSSH's sshd on a loopback port serving the repositories over SSH to the current user, who logs in with
 * an ed25519 key that needs a passphrase; the host key is pinned by the known_hosts line of its public key.
 * Where the process may bind port 22 (as root), it also listens on port 22 of a random 127.x.y.z address,
 * so an scp-like URL ({@link #scpLikeUrl}), which cannot name a port, reaches it too.
 */
public final class SshdGitRemote extends GitRemote {
    public static final String PASSPHRASE = "correct horse battery";

    public final int port;
    public final String privateKey;
    public final String knownHosts;
    /** The 127.x.y.z address whose port 22 this sshd also listens on, or null where it could not bind it. */
    public final String scpHost;
    private final Process process;
    private final String user = System.getProperty("user.name");

    public SshdGitRemote(Path dir) throws Exception {
        super(dir);
        port = Cli.freePort();
        Cli.run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", "host_key", "-C", "host");
        Cli.run(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", PASSPHRASE, "-f", "client_key", "-C", "flowstage");
        Files.copy(dir.resolve("client_key.pub"), dir.resolve("authorized_keys"));
        privateKey = Files.readString(dir.resolve("client_key"));
        knownHosts = "[127.0.0.1]:" + port + " " + Files.readString(dir.resolve("host_key.pub")).strip();
        if (Files.isDirectory(Path.of("/run")) && !Files.exists(Path.of("/run/sshd"))) {
            Files.createDirectories(Path.of("/run/sshd"));
        }
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        String port22 = "127." + r.nextInt(1, 255) + "." + r.nextInt(1, 255) + "." + r.nextInt(2, 255);
        boolean root = "root".equals(user);
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "ListenAddress 127.0.0.1:" + port,
                root ? "ListenAddress " + port22 + ":22" : "",
                "HostKey " + dir.resolve("host_key"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                "PidFile " + dir.resolve("sshd.pid"),
                "StrictModes no",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "PubkeyAuthentication yes",
                "PermitRootLogin prohibit-password",
                "UsePAM no",
                "LogLevel ERROR", ""));
        process = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("sshd.out").toFile()).start();
        LighttpdGitRemote.awaitListening(port, process, dir.resolve("sshd.out"));
        scpHost = root && listens(port22, 22) ? port22 : null;
    }

    private static boolean listens(String host, int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(host, port), 2000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** Repository {@code name} as an scp-like URL, USER@HOST:/PATH (port 22 of {@link #scpHost}). */
    public String scpLikeUrl(String name) {
        org.junit.jupiter.api.Assumptions.assumeTrue(scpHost != null,
                "sshd can listen on port 22 only as root: an scp-like URL cannot name another port");
        return user + "@" + scpHost + ":" + repos.resolve(name + ".git");
    }

    @Override
    public String url(String name) {
        return "ssh://" + user + "@127.0.0.1:" + port + repos.resolve(name + ".git");
    }

    @Override
    public String protocol() {
        return "ssh";
    }

    @Override
    public Map<String, String> secrets() {
        return Map.of("remote/key", privateKey, "remote/passphrase", PASSPHRASE);
    }

    @Override
    public Map<String, String> wrongSecrets() {
        return Map.of("remote/key", privateKey, "remote/passphrase", "wrong passphrase");
    }

    @Override
    public String authJson() {
        return "\"auth\": {\"key\": \"secret:remote/key\", \"passphrase\": \"secret:remote/passphrase\"},"
                + " \"knownHosts\": \"" + knownHosts + "\"";
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor();
    }
}
