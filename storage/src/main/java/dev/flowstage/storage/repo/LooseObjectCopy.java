package dev.flowstage.storage.repo;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import org.eclipse.jgit.internal.storage.file.FileRepository;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.Repository;

/**
 * Writes an object that another of our repositories already holds under {@code id} into a repository,
 * as a loose object. JGit's inserter would hash the content again (its SHA-1 with collision detection
 * takes milliseconds for a flows.json of a few hundred KB) and deflate it at the default level; here
 * the id is the one the content was read by, and the object is deflated fast, since GC repacks loose
 * objects anyway. Only for content read from a repository of this server by that id: nothing checks
 * that {@code id} is the hash of {@code data}. The caller holds the target's {@link RepoLocks} write
 * side (shared with other writers, exclusive of GC), which keeps GC from deleting the fan-out
 * directory meanwhile.
 */
public final class LooseObjectCopy {
    private LooseObjectCopy() {}

    /** Writes the object unless the repository already has it loose or packed; returns {@code id}. */
    public static ObjectId write(Repository repo, ObjectId id, int type, byte[] data) throws IOException {
        if (repo.getObjectDatabase().has(id)) {
            return id;
        }
        if (!(repo instanceof FileRepository file)) {
            throw new IOException("not a file repository: " + repo);
        }
        Path target = file.getObjectDatabase().fileFor(id).toPath();
        Path objects = file.getObjectDatabase().getDirectory().toPath();
        Path tmp = Files.createTempFile(objects, "noz", ".tmp");
        try {
            Deflater deflater = new Deflater(Deflater.BEST_SPEED);
            try (OutputStream out = new DeflaterOutputStream(Files.newOutputStream(tmp), deflater, 64 * 1024)) {
                out.write((Constants.typeString(type) + " " + data.length).getBytes(StandardCharsets.US_ASCII));
                out.write(0);
                out.write(data);
            } finally {
                deflater.end();
            }
            Files.createDirectories(target.getParent());
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                // written meanwhile by someone else: same id, same content
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot move a new object into place in " + objects, e);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return id;
    }
}
