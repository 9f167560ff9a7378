package dev.flowstage.storage.share;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code objects/info/alternates} file of a bare repository: the object directories of other
 * repositories whose objects it reads as its own (Git's "borrowing"; JGit and C git both honour it).
 * Entries are written relative to the borrower's {@code objects} directory, so moving the data dir
 * keeps them valid; they are read back as absolute, normalized paths.
 */
public final class Alternates {
    private Alternates() {}

    /** The alternates file of the repository at {@code gitDir}. */
    public static Path file(Path gitDir) {
        return gitDir.resolve("objects").resolve("info").resolve("alternates");
    }

    /** The object directories {@code gitDir} borrows from, in file order; empty when it borrows none. */
    public static Set<Path> read(Path gitDir) throws IOException {
        Path objects = gitDir.resolve("objects").toAbsolutePath().normalize();
        Set<Path> dirs = new LinkedHashSet<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file(gitDir), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return dirs;
        }
        for (String line : lines) {
            String l = line.strip();
            if (!l.isEmpty() && !l.startsWith("#")) {
                dirs.add(objects.resolve(l).toAbsolutePath().normalize());
            }
        }
        return dirs;
    }

    /**
     * Replaces the file with {@code objectDirs} (removes it when empty). The new content appears at once
     * (write to a temporary file, then an atomic rename), so a reader sees the old list or the new one.
     */
    public static void write(Path gitDir, Collection<Path> objectDirs) throws IOException {
        Path file = file(gitDir);
        if (objectDirs.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        Path objects = gitDir.resolve("objects").toAbsolutePath().normalize();
        List<String> lines = new ArrayList<>();
        for (Path dir : new LinkedHashSet<>(objectDirs)) {
            lines.add(objects.relativize(dir.toAbsolutePath().normalize()).toString());
        }
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "alternates", ".tmp");
        try {
            Files.write(tmp, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot replace " + file + " atomically", e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
