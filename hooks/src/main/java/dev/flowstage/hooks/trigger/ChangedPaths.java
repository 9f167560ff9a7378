package dev.flowstage.hooks.trigger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

/** The files that differ between two commits' trees (added, removed or changed), by path. */
final class ChangedPaths {
    private ChangedPaths() {}

    /** {@code oldCommit} null: every file of {@code newCommit} counts as changed (main was created). */
    static List<String> between(Repository repo, ObjectId oldCommit, ObjectId newCommit) throws IOException {
        List<String> paths = new ArrayList<>();
        try (ObjectReader reader = repo.newObjectReader(); RevWalk rw = new RevWalk(reader);
             TreeWalk tw = new TreeWalk(reader)) {
            if (oldCommit == null) {
                tw.addTree(new EmptyTreeIterator());
            } else {
                tw.addTree(rw.parseCommit(oldCommit).getTree());
            }
            tw.addTree(rw.parseCommit(newCommit).getTree());
            tw.setRecursive(true);
            tw.setFilter(TreeFilter.ANY_DIFF);
            while (tw.next()) {
                paths.add(tw.getPathString());
            }
        }
        return paths;
    }
}
