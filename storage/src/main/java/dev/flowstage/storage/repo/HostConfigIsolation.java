package dev.flowstage.storage.repo;

import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.SystemReader;

/**
 * Keeps the host's {@code /etc/gitconfig} and {@code ~/.gitconfig} out of the server: a hosted
 * repository must behave the same on every machine, and JGit must not spawn {@code git} to find
 * the system config. Installed once at start-up, before any repository is opened.
 */
public final class HostConfigIsolation extends SystemReader.Delegate {
    private HostConfigIsolation(SystemReader delegate) {
        super(delegate);
    }

    public static synchronized void install() {
        SystemReader current = SystemReader.getInstance();
        if (!(current instanceof HostConfigIsolation)) {
            SystemReader.setInstance(new HostConfigIsolation(current));
        }
    }

    @Override
    public FileBasedConfig openSystemConfig(Config parent, FS fs) {
        return new EmptyConfig(parent, fs);
    }

    @Override
    public FileBasedConfig openUserConfig(Config parent, FS fs) {
        return new EmptyConfig(parent, fs);
    }

    @Override
    public FileBasedConfig openJGitConfig(Config parent, FS fs) {
        return new EmptyConfig(parent, fs);
    }

    /** A config file that is never on disk: loads nothing, saves nothing. */
    private static final class EmptyConfig extends FileBasedConfig {
        EmptyConfig(Config parent, FS fs) {
            super(parent, null, fs);
        }

        @Override
        public void load() {
            // nothing to load: host configuration is deliberately ignored
        }

        @Override
        public void save() {
            // never written
        }

        @Override
        public boolean isOutdated() {
            return false;
        }
    }
}
