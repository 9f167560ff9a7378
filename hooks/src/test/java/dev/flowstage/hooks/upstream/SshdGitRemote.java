package dev.flowstage.hooks.upstream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * OpenSSH's sshd on a loopback port serving the repositories over SSH to the current user, who logs in with
 * an ed25519 key that needs a passphrase; the host key is pinned by the known_hosts line of its public key.
 */
public final class SshdGitRemote extends GitRemote {
    public static final String PASSPHRASE = "correct horse battery";

    final int port;
    public final String privateKey;
    public final String knownHosts;
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
        Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                "Port " + port,
                "ListenAddress 127.0.0.1",
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
    }

    @Override
    public String url(String name) {
        return "ssh://" + user + "@127.0.0.1:" + port + repos.resolve(name + ".git");
    }

    @Override
    String protocol() {
        return "ssh";
    }

    @Override
    Map<String, String> secrets() {
        return Map.of("remote/key", privateKey, "remote/passphrase", PASSPHRASE);
    }

    @Override
    Map<String, String> wrongSecrets() {
        return Map.of("remote/key", privateKey, "remote/passphrase", "wrong passphrase");
    }

    @Override
    String authJson() {
        return "\"auth\": {\"key\": \"secret:remote/key\", \"passphrase\": \"secret:remote/passphrase\"},"
                + " \"knownHosts\": \"" + knownHosts + "\"";
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor();
    }
}
