package dev.flowstage.hooks.git;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.errors.PackProtocolException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.revwalk.ObjectWalk;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevObject;
import org.eclipse.jgit.transport.UploadPack;
import org.eclipse.jgit.transport.WantNotValidException;

/**
 * Lets a client ask by id for any object that the refs it is shown reach, which is what a partial
 * clone does when it needs a file or tree it left on the server. JGit's own check, without pack
 * bitmaps, only looks into the trees of the ref tips and refuses the rest ("Retry with bitmaps
 * enabled"), so a blob-less clone could not read an older version of a file until the next GC. Here,
 * when the repository has no bitmaps yet, non-commit wants are looked for by walking the history of
 * the visible refs; otherwise, and for commits, JGit's check decides. Objects only a hidden ref
 * (ref filter) reaches stay refused either way.
 */
final class ReachableObjectsValidator implements UploadPack.RequestValidator {
    static final ReachableObjectsValidator INSTANCE = new ReachableObjectsValidator();
    private static final UploadPack.RequestValidator JGIT = new UploadPack.ReachableCommitRequestValidator();

    private ReachableObjectsValidator() {}

    @Override
    public void checkWants(UploadPack up, List<ObjectId> wants) throws PackProtocolException, IOException {
        try (ObjectReader reader = up.getRepository().newObjectReader(); ObjectWalk walk = new ObjectWalk(reader)) {
            if (reader.getBitmapIndex() != null) {
                JGIT.checkWants(up, wants);
                return;
            }
            List<ObjectId> commits = new ArrayList<>();
            Set<ObjectId> others = new HashSet<>();
            for (ObjectId want : wants) {
                RevObject o = parse(walk, want);
                if (o instanceof RevCommit) {
                    commits.add(want);
                } else {
                    others.add(want.copy());
                }
            }
            if (!commits.isEmpty()) {
                JGIT.checkWants(up, commits);
            }
            if (others.isEmpty()) {
                return;
            }
            for (Ref ref : up.getAdvertisedRefs().values()) {
                if (ref.getObjectId() != null) {
                    try {
                        walk.markStart(walk.parseAny(ref.getObjectId()));
                    } catch (MissingObjectException ignored) {
                        // a ref to a missing object reaches nothing
                    }
                }
            }
            while (walk.next() != null) {
                // commits first; their trees and files follow in nextObject()
            }
            for (RevObject o = walk.nextObject(); o != null; o = walk.nextObject()) {
                if (others.remove(o) && others.isEmpty()) {
                    return;
                }
            }
            throw new WantNotValidException(others.iterator().next());
        }
    }

    private static RevObject parse(ObjectWalk walk, ObjectId id) throws IOException {
        try {
            return walk.parseAny(id);
        } catch (MissingObjectException e) {
            throw new WantNotValidException(id, e);
        }
    }
}
