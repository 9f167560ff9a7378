package dev.flowstage.server.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Garbage collection: the server runs with {@code --gc-pushes 1}, so every push queues a GC of its
 * repository (each one at most every 100 × its last GC's duration; a restart forgets that, so every
 * trial starts with a GC of each repository). Rounds push to three repositories in turn.
 */
final class GcScenario implements Scenario {
    private static final List<String> TARGETS = List.of("g0", "g1", "g2");
    private final List<WorkClone> clones = new ArrayList<>();
    /** When the current trial's loop began: older gc_ files were left by an earlier killed GC. */
    private volatile FileTime trialStart = FileTime.fromMillis(0);

    @Override
    public List<String> serverArgs() {
        return List.of("--gc-pushes", "1");
    }

    @Override
    public void setup(CrashRig rig) throws Exception {
        Setup.teamAndApplication(rig);
        for (String t : TARGETS) {
            Setup.instance(rig, t, false);
            WorkClone clone = WorkClone.create(rig, t);
            // Enough content that a GC takes a while: a few MiB and many objects.
            clone.commitBlobs(2, 1);
            clone.commitManyFiles(300);
            if (!clone.push()) {
                throw new AssertionError("seeding " + t + " failed");
            }
            clones.add(clone);
        }
    }

    @Override
    public void prepare(CrashRig rig, int mode) {
        trialStart = FileTime.fromMillis(System.currentTimeMillis() - 1000);
    }

    @Override
    public void round(CrashRig rig, int mode) throws Exception {
        for (WorkClone clone : clones) {
            clone.commitFlows();
            clone.push();
        }
    }

    @Override
    public String observe(CrashRig rig) throws Exception {
        List<String> busy = new ArrayList<>();
        for (String t : TARGETS) {
            try (Stream<Path> s = Files.list(rig.repo(t).resolve("objects/pack"))) {
                // JGit deletes the temporary pack of a killed GC only when it is a day old
                if (s.anyMatch(p -> p.getFileName().toString().startsWith("gc_") && newer(p))) {
                    busy.add(t);
                }
            }
        }
        return busy.isEmpty() ? null : "gc writing a pack in " + String.join(", ", busy);
    }

    private boolean newer(Path p) {
        try {
            return Files.getLastModifiedTime(p).compareTo(trialStart) >= 0;
        } catch (IOException gone) {
            return false;
        }
    }

    @Override
    public List<String> verify(CrashRig rig) {
        List<String> problems = new ArrayList<>();
        clones.forEach(c -> problems.addAll(c.checkAcknowledged()));
        return problems;
    }
}
