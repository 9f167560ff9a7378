package dev.flowstage.storage.repo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Gives a repository a {@code packed-refs} file with no refs (just the header line {@code git pack-refs}
 * writes) when it has none. Without one, JGit's RefDirectory fails a file-system call with an exception
 * on every ref lookup; a device poll looks up refs in three repositories, so that cost was paid dozens of
 * times per request. A file with no refs means "no packed refs", exactly what its absence meant, for JGit
 * and C git alike. It is not left empty: a ref later set in it ({@link PackedRefUpdate}, a device's
 * {@code main}) then replaces a file that already has its disk block instead of adding one.
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
            Files.writeString(file, PackedRefUpdate.HEADER, StandardCharsets.US_ASCII, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
        } catch (FileAlreadyExistsException concurrent) {
            // someone else made it: fine
        }
    }
}
