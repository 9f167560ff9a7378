package dev.flowstage.storage.repo;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gives a repository an (empty) {@code packed-refs} file when it has none. Without one, JGit's
 * RefDirectory fails a file-system call with an exception on every ref lookup; a device poll looks
 * up refs in three repositories, so that cost was paid dozens of times per request. An empty file
 * means "no packed refs", exactly what its absence meant, for JGit and C git alike.
 */
public final class PackedRefs {
    private PackedRefs() {}

    public static void ensure(Path gitDir) throws IOException {
        Path file = gitDir.resolve("packed-refs");
        if (file.toFile().exists()) {
            return;
        }
        try {
            // O_EXCL: never replaces a packed-refs file that gc wrote in the meantime
            Files.createFile(file);
        } catch (FileAlreadyExistsException concurrent) {
            // someone else made it: fine
        }
    }
}
