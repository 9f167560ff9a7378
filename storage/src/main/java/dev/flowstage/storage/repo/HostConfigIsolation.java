package dev.flowstage.storage.repo;

import java.io.File;
import java.nio.file.Path;
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
    private final SystemReader original;
    private final File jgitConfig;

    private HostConfigIsolation(SystemReader original, File jgitConfig) {
        super(original);
        this.original = original;
        this.jgitConfig = jgitConfig;
    }

    /**
     * Installs the isolation. JGit's own cache of file-system facts (timestamp resolution, measured
     * by writing files and waiting) is kept in {@code jgitConfig}, inside the data dir, so it is
     * measured once per data dir instead of once per start; until then JGit measures in the background.
     */
    public static synchronized void install(Path jgitConfig) {
        FS.FileStoreAttributes.setBackground(true);
        SystemReader current = SystemReader.getInstance();
        if (current instanceof HostConfigIsolation installed) {
            current = installed.original;
        }
        SystemReader.setInstance(new HostConfigIsolation(current, jgitConfig.toFile()));
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
        return new FileBasedConfig(parent, jgitConfig, fs);
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
