package dev.flowstage.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.digest.BuiltinDigests;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.UploadPack;

/**
 * A minimal Git-over-SSH server for tests (Apache MINA SSHD with JGit's UploadPack): one repository at
 * {@code /team/pi-1.git}, public-key auth with one device key, an EC host key made per test.
 */
public final class SshGitServer implements AutoCloseable {
    private final SshServer sshd;
    private final KeyPair hostKey;

    public SshGitServer(Repository repo, PublicKey deviceKey) throws IOException {
        this.hostKey = ecKey();
        sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        sshd.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        sshd.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, deviceKey));
        sshd.setCommandFactory((channel, command) -> new UploadCommand(command, repo));
        sshd.start();
    }

    public static KeyPair ecKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "ssh://git@127.0.0.1:" + sshd.getPort() + "/team/pi-1.git";
    }

    public String hostKeyFingerprint() {
        return KeyUtils.getFingerPrint(BuiltinDigests.sha256, hostKey.getPublic());
    }

    @Override
    public void close() throws IOException {
        sshd.stop(true);
    }

    private static final class UploadCommand implements Command {
        private final String command;
        private final Repository repo;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        UploadCommand(String command, Repository repo) {
            this.command = command;
            this.repo = repo;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread t = new Thread(() -> {
                int code = 0;
                try {
                    if (!List.of("git-upload-pack '/team/pi-1.git'", "git-upload-pack '/team/pi-1.git/'").contains(command)) {
                        err.write(("not found: " + command + "\n").getBytes());
                        err.flush();
                        code = 1;
                    } else {
                        UploadPack up = new UploadPack(repo);
                        String protocol = env.getEnv().get("GIT_PROTOCOL");
                        if (protocol != null) {
                            up.setExtraParameters(List.of(protocol.split(":")));
                        }
                        up.upload(in, out, err);
                    }
                } catch (IOException e) {
                    code = 1;
                } finally {
                    exit.onExit(code);
                }
            }, "test-ssh-upload");
            t.start();
        }

        @Override
        public void destroy(ChannelSession channel) {}

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }
    }
}
