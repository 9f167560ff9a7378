package dev.flowstage.server.crash;

import dev.flowstage.server.testing.ProcessResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A developer's clone of one target that commits snapshots and pushes them over HTTP, remembering
 * the last commit git reported as pushed: that one must survive any crash.
 */
final class WorkClone {
    private final CrashRig rig;
    private final String target;
    private final Path dir;
    private final Random bytes = new Random();
    private int counter;
    private volatile String acknowledged;

    private WorkClone(CrashRig rig, String target, Path dir) {
        this.rig = rig;
        this.target = target;
        this.dir = dir;
    }

    /** Clones {@code target} and pushes a first snapshot (the server must be up). */
    static WorkClone create(CrashRig rig, String target) throws IOException {
        Path dir = rig.tmp.resolve("work-" + target);
        rig.git.ok(rig.tmp, "clone", "-q", rig.gitUrl(target), dir.toString());
        WorkClone clone = new WorkClone(rig, target, dir);
        clone.commitFlows();
        if (!clone.push()) {
            throw new AssertionError("first push to " + target + " failed");
        }
        return clone;
    }

    Path dir() {
        return dir;
    }

    String target() {
        return target;
    }

    /** Commits a new valid snapshot (one more node in flows.json). */
    String commitFlows() throws IOException {
        counter++;
        StringBuilder flows = new StringBuilder("[{\"id\":\"t1\",\"type\":\"tab\",\"label\":\"Line\"}");
        for (int i = 0; i < 20; i++) {
            flows.append(",\n {\"id\":\"n").append(i).append("\",\"type\":\"inject\",\"z\":\"t1\",\"name\":\"v")
                    .append(counter).append('-').append(i).append("\"}");
        }
        Files.writeString(dir.resolve("flows.json"), flows.append("]\n").toString());
        Files.writeString(dir.resolve("package.json"), "{\"name\":\"line\",\"version\":\"1.0." + counter + "\"}\n");
        rig.git.ok(dir, "add", "flows.json", "package.json");
        rig.git.ok(dir, "commit", "-q", "-m", "Snapshot " + counter);
        return head();
    }

    /** Commits {@code files} new incompressible files of {@code mib} MiB each (a big pack). */
    String commitBlobs(int files, int mib) throws IOException {
        counter++;
        byte[] buf = new byte[1 << 20];
        for (int f = 0; f < files; f++) {
            try (OutputStream out = Files.newOutputStream(dir.resolve("blob-" + counter + "-" + f + ".bin"))) {
                for (int m = 0; m < mib; m++) {
                    bytes.nextBytes(buf);
                    out.write(buf);
                }
            }
        }
        rig.git.ok(dir, "add", ".");
        rig.git.ok(dir, "commit", "-q", "-m", "Blobs " + counter);
        return head();
    }

    /** Commits {@code files} small JSON files (many loose objects for GC to pack). */
    String commitManyFiles(int files) throws IOException {
        counter++;
        Path sub = Files.createDirectories(dir.resolve("data"));
        for (int f = 0; f < files; f++) {
            Files.writeString(sub.resolve("f" + f + ".json"), "{\"round\":" + counter + ",\"file\":" + f + "}\n");
        }
        rig.git.ok(dir, "add", ".");
        rig.git.ok(dir, "commit", "-q", "-m", "Files " + counter);
        return head();
    }

    /** Pushes HEAD to main; true when git reported success. A failure of a live server is an anomaly. */
    boolean push() {
        ProcessResult r = rig.git.run(dir, "push", "-q", "origin", "HEAD:main");
        if (r.ok()) {
            acknowledged = head();
            return true;
        }
        rig.anomaly(System.nanoTime(), "push to " + target + " failed while the server was up: " + r);
        return false;
    }

    /** True when HEAD has not been acknowledged as pushed yet. */
    boolean pending() {
        return !head().equals(acknowledged);
    }

    private String head() {
        return rig.git.ok(dir, "rev-parse", "HEAD").trim();
    }

    /**
     * The server's main holds the last acknowledged push: it is that commit or one this clone pushed
     * after it (a push the kill cut after the ref moved).
     */
    List<String> checkAcknowledged() {
        List<String> problems = new ArrayList<>();
        String acked = acknowledged;
        ProcessResult main = rig.git.run(rig.repo(target), "rev-parse", "--verify", "refs/heads/main");
        if (!main.ok()) {
            problems.add("main of " + target + " is unreadable: " + main);
            return problems;
        }
        String server = main.stdout().trim();
        if (!rig.git.run(dir, "merge-base", "--is-ancestor", acked, server).ok()) {
            problems.add("acknowledged push " + acked + " to " + target + " is lost: main is " + server);
        } else if (!rig.git.run(dir, "merge-base", "--is-ancestor", server, "HEAD").ok()) {
            problems.add("main of " + target + " is " + server + ", a commit this clone never pushed");
        }
        return problems;
    }
}
