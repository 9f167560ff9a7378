package dev.flowstage.hooks.upstream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Repository;

/**
 * One private bare repository per following instance ({@code ROOT/TEAM/INSTANCE.git}) that fetches from the
 * remote land in, so the remote's history never enters the instance's own repository: only the snapshot
 * files of the remote head are copied into a commit there. Names were checked by the caller.
 */
public final class UpstreamMirrors {
    private final Path root;

    public UpstreamMirrors(Path root) {
        this.root = root;
    }

    public Repository open(String team, String instance) throws IOException {
        Path dir = root.resolve(team).resolve(instance + ".git");
        FileRepository repo = new FileRepository(dir.toFile());
        if (!Files.exists(dir.resolve("HEAD"))) {
            Files.createDirectories(dir.getParent());
            repo.create(true);
        }
        return repo;
    }
}
