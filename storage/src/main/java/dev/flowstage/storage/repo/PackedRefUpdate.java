package dev.flowstage.storage.repo;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.events.RefsChangedEvent;
import org.eclipse.jgit.internal.storage.file.LockFile;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * Sets one ref in a repository's {@code packed-refs} file instead of writing a loose ref file: the file
 * is rewritten whole (lock file, write, rename — the same atomic replace a loose ref write is), so a
 * repository whose refs live there gets no new file, and no new disk block, when a ref is created.
 * Used for device {@code main}s, which only the server writes: a first deploy to a thousand devices
 * would otherwise create a thousand 41-byte files of 4 KiB each.
 *
 * <p>Only when no loose ref of that name exists (a loose ref hides the packed one, for JGit and C git
 * alike); otherwise, or when another writer holds {@code packed-refs.lock}, it does nothing and says so,
 * and the caller writes the loose ref as usual. Other lines of the file (other refs, peeled lines, the
 * header's traits) are kept; refs stay sorted by name. After the rename a {@code RefsChangedEvent} is
 * fired for the repository, as JGit does after a ref update, so {@link RefCache} drops what it kept
 * before this returns. Callers hold the repository's write lock ({@link RepoLocks}).
 */
public final class PackedRefUpdate {
    /** What C git and JGit write on a fresh {@code pack-refs}; used when the file has no header. */
    static final String HEADER = "# pack-refs with: peeled fully-peeled sorted \n";

    private PackedRefUpdate() {}

    /**
     * Points {@code refName} at {@code id} in {@code packed-refs}.
     *
     * @return false (nothing written) when a loose ref {@code refName} exists or the file is locked
     */
    public static boolean set(Repository repo, String refName, ObjectId id) throws IOException {
        if (!refName.startsWith(Constants.R_REFS) || refName.contains("\n") || refName.contains(" ")) {
            throw new IllegalArgumentException("not a ref name for packed-refs: " + refName);
        }
        File gitDir = repo.getDirectory();
        File loose = new File(gitDir, refName);
        if (loose.exists()) {
            return false;
        }
        File packed = new File(gitDir, Constants.PACKED_REFS);
        LockFile lock = new LockFile(packed);
        if (!lock.lock()) {
            return false;
        }
        try {
            if (loose.exists()) {
                // written while the lock was being taken
                return false;
            }
            lock.write(rewrite(read(packed), refName, id));
            if (!lock.commit()) {
                throw new IOException("cannot replace " + packed);
            }
        } finally {
            lock.unlock();
        }
        // JGit's ref database notices the new file on its next read (the file's identity and time no longer
        // match its snapshot of it); listeners (RefCache, device watches) are told now, as after a ref update
        repo.fireEvent(new RefsChangedEvent());
        return true;
    }

    private static String read(File packed) throws IOException {
        try {
            return Files.readString(packed.toPath(), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    /** {@code text} (a packed-refs file) with {@code refName} set to {@code id}, refs sorted by name. */
    static byte[] rewrite(String text, String refName, ObjectId id) {
        List<String> header = new ArrayList<>();
        // a ref's line and the peeled ("^SHA") lines that follow it travel together
        Map<String, List<String>> refs = new TreeMap<>();
        List<String> current = null;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                header.add(line);
            } else if (line.startsWith("^")) {
                if (current != null) {
                    current.add(line);
                }
            } else {
                int sp = line.indexOf(' ');
                if (sp < 0) {
                    throw new IllegalStateException("packed-refs has a line that is not a ref: " + line);
                }
                current = new ArrayList<>();
                current.add(line);
                refs.put(line.substring(sp + 1), current);
            }
        }
        refs.put(refName, List.of(id.name() + " " + refName));
        StringBuilder out = new StringBuilder();
        if (header.isEmpty()) {
            out.append(HEADER);
        } else {
            header.forEach(h -> out.append(h).append('\n'));
        }
        refs.values().forEach(lines -> lines.forEach(l -> out.append(l).append('\n')));
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
